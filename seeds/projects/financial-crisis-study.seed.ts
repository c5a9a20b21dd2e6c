import type { SeedSector } from '../dac-sectors.js';
import { recordSeed, type SeedProject } from '../seed-project.js';

/**
 * "The study on the impact of financial crisis on poverty-stricken areas" (LGOP and UNICEF, implemented by
 * FCPMC; began January 2009, designed to be completed in August 2010), recorded from
 * seed-docs/003_9fb43bad77d7822c.txt, research project (2). The source was written while the study ran: its
 * final report is planned and, as the source reports no completion, shows as overdue.
 */

const CODE = 'CN-LGOP-UNICEF-CRISIS-STUDY';
const SOURCE = 'seed-docs/003_9fb43bad77d7822c.txt';

/** "began in January 2009": month only; a start is recorded on the first day of its month. */
const STARTED = '2009-01-01';
/** "designed to be completed in August 2010": month only; a planned end is recorded on the last day. */
const PLANNED_END = '2010-08-31';

const DESCRIPTION = [
  'The study on the impact of financial crisis on poverty-stricken areas, conducted jointly by the Department of',
  "International Cooperation and Social Poverty Alleviation of LGOP and the UN Children's Fund (UNICEF), and implemented",
  'by the Foreign Capital Project Management Center of LGOP (FCPMC). Source: seed-docs/003_9fb43bad77d7822c.txt (seed-doc',
  '003, "Poverty Reduction and Development Experience Sharing", research project 2). The study was mainly on the impact',
  "of the international financial crisis on China's rural poverty and, on that basis, analysed whether the government's",
  'policy measures against the crisis are conducive to the poor and vulnerable groups. It began in January 2009 and was',
  'designed to be completed in August 2010 (months only). Its final report "will explain systematically how to reduce',
  'the impact of financial crisis on the poor and vulnerable groups to the largest extent", as a reference for pro-poor',
  'policies. The source, written while the study ran, reports no completion; it gives no budget and does not say who',
  'funded the study.',
].join(' ');

/** The financial crisis study's seed, built afresh: the same value every time it is built. */
export function buildFinancialCrisisStudy(): SeedProject {
  const seed = recordSeed(CODE);
  const startedNote = 'The study "began in January 2009" (seed-doc 003; month only, the first of the month is used)';

  seed.on(STARTED, {
    type: 'ProposeProject',
    data: {
      projectId: seed.id('project'),
      code: CODE,
      title: 'Study on the impact of financial crisis on poverty-stricken areas',
      description: DESCRIPTION,
      country: 'CN',
      location: {},
      // Public sector policy: the study analyses the government's policy measures for the poor and vulnerable.
      sector: '15110' satisfies SeedSector,
      plannedEnd: PLANNED_END,
      participatingOrganisations: [
        // "jointly conducted": the two bodies answerable for the study; the source names no funder.
        { name: 'Department of International Cooperation and Social Poverty Alleviation of LGOP', role: 2 },
        { name: "UN Children's Fund (UNICEF)", role: 2 },
        { name: 'Foreign Capital Project Management Center of LGOP (FCPMC)', role: 4 },
      ],
    },
  });
  seed.on(STARTED, {
    type: 'ApproveProject',
    data: { date: STARTED, reason: `The source gives no approval date; approval is recorded on the start. ${startedNote}.` },
  });
  seed.on(STARTED, { type: 'StartProject', data: { date: STARTED, reason: `${startedNote}.` } });
  seed.on(STARTED, {
    type: 'PlanMilestone',
    data: {
      milestoneId: seed.id('milestone', 'final-report'),
      title: 'Final report on reducing the impact of the financial crisis on the poor and vulnerable groups',
      dueDate: PLANNED_END,
      description:
        'The study "was designed to be completed in August 2010" (seed-doc 003; month only, its last day is used as the due date). ' +
        'The source, written while the study ran, reports no completion.',
    },
  });

  return seed.done(SOURCE);
}

export const financialCrisisStudy: SeedProject = buildFinancialCrisisStudy();
