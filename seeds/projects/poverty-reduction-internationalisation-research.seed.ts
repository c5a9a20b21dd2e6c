import type { SeedSector } from '../dac-sectors.js';
import { recordSeed, type SeedProject } from '../seed-project.js';

/**
 * IPRCC's "Research on the Internationalization of China's Experience in Poverty Reduction", recorded from
 * seed-docs/003_9fb43bad77d7822c.txt, research project (9). The source says only that IPRCC launched it and
 * what it aims at: no date, deliverable or result. It is part of the source's account of 2009, so 2009 is
 * assumed and said; the research is in implementation.
 */

const CODE = 'CN-IPRCC-INTERNATIONALISATION-RESEARCH';
const SOURCE = 'seed-docs/003_9fb43bad77d7822c.txt';

const LAUNCHED = '2009-01-01';
const UNDATED =
  'the source does not date the launch; it is part of its account of 2009 (the latest events it dates are in 2009), so ' +
  '2009 is assumed and the launch recorded on 2009-01-01';

const DESCRIPTION = [
  "Research on the Internationalization of China's Experience in Poverty Reduction, launched by the International",
  'Poverty Reduction Center in China (IPRCC). Source: seed-docs/003_9fb43bad77d7822c.txt (seed-doc 003, "Poverty',
  'Reduction and Development Experience Sharing", research project 9). The study aims to clarify the specific',
  'requirements for developing countries to promote the development of poverty reduction, make a comprehensive and',
  "systematic summary of China's basic experience in poverty reduction, and explore specific approaches for developing",
  "countries to learn effectively from China's experience. The source does not date the launch: it is part of its",
  'account of 2009, so 2009 is assumed (launch recorded on 2009-01-01). It names no partner or funder and gives no',
  'budget, deliverable, end or figures. The country recorded is China, where the research is done and whose experience',
  'it summarises; the source names no beneficiary country.',
].join(' ');

/** The internationalisation research's seed, built afresh: the same value every time it is built. */
export function buildPovertyReductionInternationalisationResearch(): SeedProject {
  const seed = recordSeed(CODE);

  seed.on(LAUNCHED, {
    type: 'ProposeProject',
    data: {
      projectId: seed.id('project'),
      code: CODE,
      title: "Research on the Internationalization of China's Experience in Poverty Reduction",
      description: DESCRIPTION,
      country: 'CN',
      location: {},
      // Multisector aid: China's poverty reduction experience as a whole, for developing countries; no single sector.
      sector: '43010' satisfies SeedSector,
      participatingOrganisations: [{ name: 'International Poverty Reduction Center in China (IPRCC)', role: 4 }],
    },
  });
  seed.on(LAUNCHED, {
    type: 'ApproveProject',
    data: { date: LAUNCHED, reason: `The source gives no approval; approval is recorded on the launch: ${UNDATED}.` },
  });
  seed.on(LAUNCHED, {
    type: 'StartProject',
    data: { date: LAUNCHED, reason: `"IPRCC launched the 'Research on the Internationalization of China's Experience in Poverty Reduction'" (seed-doc 003); ${UNDATED}.` },
  });

  return seed.done(SOURCE);
}

export const povertyReductionInternationalisationResearch: SeedProject = buildPovertyReductionInternationalisationResearch();
