import type { SeedSector } from '../dac-sectors.js';
import { recordSeed, type SeedProject } from '../seed-project.js';

/**
 * IPRCC's anti-poverty cooperation work in Tanzania, recorded from seed-docs/003_9fb43bad77d7822c.txt, pilot
 * project (2): two basic researches entrusted to a Tanzanian society, a cooperation framework signed with
 * PRIDE Tanzania, field research by delegations, and a consensus on experts, demonstration projects and a
 * cooperation centre. The passage dates nothing; it is part of the source's review of 2009 (the latest events
 * it dates are in 2009), so 2009 is used and said at every step.
 */

const CODE = 'CN-TZ-COOPERATION';
const SOURCE = 'seed-docs/003_9fb43bad77d7822c.txt';

const BEGAN = '2009-01-01';
const REPORTED = '2009-12-31';
const UNDATED =
  'the source dates nothing in this passage; it is part of its account of 2009, so 2009 is assumed, with the start on ' +
  '2009-01-01 and every reported step on 2009-12-31';

const MILESTONES = [
  {
    key: 'basic-researches-entrusted',
    title: 'Two basic researches on China-Tanzania poverty reduction cooperation entrusted',
    evidence:
      'IPRCC "entrusted Tanzanian Promotion Society of Rural Business and Enterprise Development to carry out two basic ' +
      'researches on China-Tanzania cooperation in poverty reduction: \'Socio-economic Situation and Development and ' +
      'Poverty reduction in Tanzania\' and \'Feasibility Study Report on China-Tanzania Microfinance Development Center\'" ' +
      '(seed-doc 003). The source does not report the researches completed.',
  },
  {
    key: 'pride-framework-signed',
    title: 'Cooperation Framework with PRIDE Tanzania signed',
    evidence:
      'IPRCC "signed the \'Cooperation Framework for the Promotion of Rural Initiative and Development Enterprises Limited ' +
      '(PRIDE Tanzania)\' with Promotion of Rural SMEs in Tanzania, which clarified the scope and model of the cooperation ' +
      'between the two sides" (seed-doc 003).',
  },
  {
    key: 'field-research',
    title: 'Field research and visits in Tanzania by IPRCC delegations',
    evidence:
      'IPRCC "organized delegations to conduct field research and visit relevant departments and IPRCC\'s partners in ' +
      'Tanzania" (seed-doc 003).',
  },
  {
    key: 'consensus-reached',
    title: 'Consensus with Tanzania on experts, demonstration projects and a China-Tanzania cooperation center',
    evidence:
      'IPRCC "reached a consensus with Tanzania on dispatching experts in poverty reduction and development to Tanzania, ' +
      'carrying out demonstration anti-poverty projects in Tanzania and supporting the establishment of China-Tanzania ' +
      'cooperation center for poverty reduction"; Tanzanian Prime Minister Mizengo Kayanza Peter Pinda sent a letter to the ' +
      'Ambassador of China in Tanzania, copied to IPRCC, congratulating it and asking for the follow-up activities "as soon ' +
      'as possible" (seed-doc 003).',
  },
];

const DESCRIPTION = [
  "IPRCC's anti-poverty cooperation work in Tanzania. Source: seed-docs/003_9fb43bad77d7822c.txt (seed-doc 003, \"Poverty",
  'Reduction and Development Experience Sharing", pilot project 2). In accordance with the arrangement of strengthening',
  'international cooperation in poverty alleviation, the International Poverty Reduction Center in China (IPRCC) began',
  'its anti-poverty cooperation work in Tanzania: it entrusted the Tanzanian Promotion Society of Rural Business and',
  'Enterprise Development with two basic researches, signed a cooperation framework with PRIDE Tanzania (a learning',
  'platform of information sharing, experience exchange, capacity building and demonstration guidance for African',
  "developing countries to learn from China's development-oriented poverty alleviation), sent delegations for field",
  'research, and reached a consensus with Tanzania on dispatching experts, demonstration anti-poverty projects and a',
  'China-Tanzania cooperation center for poverty reduction. The source dates none of this: it is part of its account of',
  '2009, so 2009 is assumed (start recorded on 2009-01-01, the steps on 2009-12-31). It names no funder, budget,',
  'location in Tanzania or figures.',
].join(' ');

/** The Tanzania cooperation's seed, built afresh: the same value every time it is built. */
export function buildTanzaniaCooperation(): SeedProject {
  const seed = recordSeed(CODE);

  seed.on(BEGAN, {
    type: 'ProposeProject',
    data: {
      projectId: seed.id('project'),
      code: CODE,
      title: 'China-Tanzania cooperation in poverty reduction (IPRCC)',
      description: DESCRIPTION,
      country: 'TZ',
      location: {},
      // Multisector aid: research, microfinance, experts and demonstration projects, no single sector.
      sector: '43010' satisfies SeedSector,
      participatingOrganisations: [
        { name: 'International Poverty Reduction Center in China (IPRCC)', role: 2 },
        { name: 'Tanzanian Promotion Society of Rural Business and Enterprise Development', role: 4 },
      ],
    },
  });
  seed.on(BEGAN, {
    type: 'ApproveProject',
    data: { date: BEGAN, reason: `The source gives no approval; approval is recorded on the start: ${UNDATED}.` },
  });
  seed.on(BEGAN, {
    type: 'StartProject',
    data: { date: BEGAN, reason: `"IPRCC began its anti-poverty cooperation work in Tanzania" (seed-doc 003); ${UNDATED}.` },
  });
  for (const milestone of MILESTONES) {
    seed.on(REPORTED, {
      type: 'PlanMilestone',
      data: {
        milestoneId: seed.id('milestone', milestone.key),
        title: milestone.title,
        dueDate: REPORTED,
        description: `Due date: the reporting date; the source reports the step, not when it was planned (${UNDATED}).`,
      },
    });
    seed.on(REPORTED, {
      type: 'ReachMilestone',
      data: { milestoneId: seed.id('milestone', milestone.key), date: REPORTED, evidence: `${milestone.evidence} ${UNDATED}.` },
    });
  }

  return seed.done(SOURCE);
}

export const tanzaniaCooperation: SeedProject = buildTanzaniaCooperation();
