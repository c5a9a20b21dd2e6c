import type { SeedSector } from '../dac-sectors.js';
import { recordSeed, type SeedProject } from '../seed-project.js';

/**
 * The China-Laos poverty reduction demonstration project in Xianglong village (Luang Prabang, Laos), the
 * twin of Bansuo, recorded from seed-docs/004_ce5a96a2e1a446d7.txt. The document says little of it: that
 * the project was launched there in September 2017, together with Bansuo, to improve local infrastructure
 * and public services and carry out technical assistance. Every result it reports is from Bansuo, so this
 * record has no milestones and no indicators.
 */

const CODE = 'CN-LA-XIANGLONG';
const SOURCE = 'seed-docs/004_ce5a96a2e1a446d7.txt';

/** "In September 2017 ... was launched": the source gives the month, not the day. */
const LAUNCHED = '2017-09-01';
const LAUNCH_QUOTE =
  '"In September 2017, Guangxi\'s demonstration cooperation project on poverty alleviation for China\'s assistance to ' +
  'Laos was launched in Bansuo Village, Vientiane City and Xianglong Village, Prabang Province, aiming to improve ' +
  'local infrastructure and public services and carry out technical assistance" (seed-doc 004).';

const DESCRIPTION = [
  "China's assistance to Laos: the China-Laos poverty reduction demonstration cooperation project in Xianglong village,",
  'Luang Prabang province (the source writes "Prabang Province"), Laos, the twin of the Bansuo village site',
  '(CN-LA-BANSUO). Source: seed-docs/004_ce5a96a2e1a446d7.txt (seed-doc 004, YCPress, "China\'s targeted poverty',
  'alleviation experience helps Southeast Asian countries reduce poverty"; undated). What the source says of',
  'Xianglong: in September 2017 (month only; the day is not given) Guangxi\'s demonstration cooperation project on',
  "poverty alleviation for China's assistance to Laos was launched there and in Bansuo, aiming to improve local",
  'infrastructure and public services and carry out technical assistance. It names the China-Lao Joint Project Office',
  'and the Poverty Alleviation Office of Guangxi Zhuang Autonomous Region for the project as a whole. It reports no',
  'result, figure, budget, funding organisation or planned date for Xianglong: the bridge, road, cattle, weaving and',
  'corn results it gives are all from Bansuo.',
].join(' ');

/** The Xianglong project's seed, built afresh: the same value every time it is built. */
export function buildXianglong(): SeedProject {
  const seed = recordSeed(CODE);

  seed.on(LAUNCHED, {
    type: 'ProposeProject',
    data: {
      projectId: seed.id('project'),
      code: CODE,
      title: 'China-Laos Poverty Reduction Demonstration Cooperation Project: Xianglong village, Luang Prabang',
      description: DESCRIPTION,
      country: 'LA',
      location: { village: 'Xianglong', province: 'Luang Prabang' },
      // Rural development (multisector): infrastructure, public services and technical assistance together.
      sector: '43040' satisfies SeedSector,
      participatingOrganisations: [
        { name: 'Poverty Alleviation Office of Guangxi Zhuang Autonomous Region', role: 3 },
        { name: 'China-Lao Joint Project Office', role: 4 },
      ],
    },
  });
  seed.on(LAUNCHED, {
    type: 'ApproveProject',
    data: {
      date: LAUNCHED,
      reason:
        'The source gives no approval date; approval is recorded on the launch date, launched September 2017 (day not given in the source).',
    },
  });
  seed.on(LAUNCHED, {
    type: 'StartProject',
    data: { date: LAUNCHED, reason: `launched September 2017 (day not given in the source): ${LAUNCH_QUOTE}` },
  });

  const components = [
    {
      key: 'infrastructure',
      name: 'Local infrastructure',
      kind: 'infrastructure',
      description: 'The project aims "to improve local infrastructure" (seed-doc 004); the source names no works in Xianglong.',
    },
    {
      key: 'public-services',
      name: 'Public services',
      kind: 'public_services',
      description: 'The project aims to improve local "public services" (seed-doc 004); the source names none in Xianglong.',
    },
    {
      key: 'technical-assistance',
      name: 'Technical assistance',
      kind: 'capacity_building',
      description: 'The project aims to "carry out technical assistance" (seed-doc 004); the source gives no detail for Xianglong.',
    },
  ] as const;
  for (const component of components) {
    seed.on(LAUNCHED, {
      type: 'AddComponent',
      data: {
        componentId: seed.id('component', component.key),
        name: component.name,
        kind: component.kind,
        description: component.description,
      },
    });
  }

  return seed.done(SOURCE);
}

export const xianglong: SeedProject = buildXianglong();
