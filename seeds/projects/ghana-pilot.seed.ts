import type { SeedSector } from '../dac-sectors.js';
import { recordSeed, type SeedProject } from '../seed-project.js';

/**
 * The pilot project for China-Africa Cooperation: Comprehensive Poverty Reduction in Ghana, recorded from
 * seed-docs/003_9fb43bad77d7822c.txt, pilot project (1): FCPMC prepared it and, in July 2009, signed a
 * cooperation agreement with Nanchang Railway Tianji Economy and Trade Co., Ltd., which donated 17 million
 * yuan. The source reports preparation, not a start, so the project stays approved (IATI pipeline).
 */

const CODE = 'CN-GH-PILOT';
const SOURCE = 'seed-docs/003_9fb43bad77d7822c.txt';

/** "In July 2009, FCPMC signed a cooperation agreement": month only; recorded on the first of the month. */
const AGREEMENT = '2009-07-01';
const AGREEMENT_NOTE = 'July 2009 (month only; the day is not given, so the first of the month is used)';

const DESCRIPTION = [
  'Pilot project for China-Africa Cooperation: Comprehensive Poverty Reduction in Ghana. Source:',
  'seed-docs/003_9fb43bad77d7822c.txt (seed-doc 003, "Poverty Reduction and Development Experience Sharing", pilot',
  'project 1). The Foreign Capital Project Management Center of LGOP (FCPMC) started preparation work for the pilot and',
  'in July 2009 (month only) signed a cooperation agreement with Nanchang Railway Tianji Economy and Trade Co., Ltd.,',
  'which donated 17 million yuan (CNY 17,000,000) for the pilot project of comprehensive poverty reduction in Ghana. The',
  'source calls it the first foreign aid poverty reduction project of China since it started international cooperation',
  'in poverty alleviation. The project will explore the integration of funds of domestic enterprises and international',
  'agencies and, combining the poverty alleviation experience of China and Ghana, a poverty reduction model and methods',
  'suited to Ghana and Africa. The source gives no location in Ghana, no implementing organisation there, no dates',
  'other than the agreement, no components and no targets; it reports preparation, not a start.',
].join(' ');

/** The Ghana pilot's seed, built afresh: the same value every time it is built. */
export function buildGhanaPilot(): SeedProject {
  const seed = recordSeed(CODE);

  seed.on(AGREEMENT, {
    type: 'ProposeProject',
    data: {
      projectId: seed.id('project'),
      code: CODE,
      title: 'Pilot Project for China-Africa Cooperation: Comprehensive Poverty Reduction in Ghana',
      description: DESCRIPTION,
      country: 'GH',
      location: {},
      // Multisector aid: "comprehensive poverty reduction", no single sector named.
      sector: '43010' satisfies SeedSector,
      participatingOrganisations: [
        { name: 'Nanchang Railway Tianji Economy and Trade Co., Ltd.', role: 1 },
        // It prepares the pilot and signed the funding agreement: the organisation answerable for it.
        { name: 'Foreign Capital Project Management Center of LGOP (FCPMC)', role: 2 },
      ],
    },
  });
  seed.on(AGREEMENT, {
    type: 'ApproveProject',
    data: {
      date: AGREEMENT,
      reason:
        `In ${AGREEMENT_NOTE} FCPMC signed a cooperation agreement with Nanchang Railway Tianji Economy and Trade Co., Ltd., ` +
        'which donated 17 million yuan for the pilot (seed-doc 003). The source reports no separate approval; the ' +
        'funding agreement is recorded as it, and the proposal on the same day since the source does not date the start ' +
        'of the preparation work.',
    },
  });

  return seed.done(SOURCE);
}

export const ghanaPilot: SeedProject = buildGhanaPilot();
