import type { SeedSector } from '../dac-sectors.js';
import { recordSeed, type SeedProject } from '../seed-project.js';

/**
 * The "Study on Chinese Child Poverty" (LGOP and UNICEF, memorandum of understanding signed in 2007 for a
 * cooperation from 2007 to 2010, implemented by FCPMC), recorded from seed-docs/003_9fb43bad77d7822c.txt,
 * research project (3). The source reports where the study stood "as of 2009": research in Hubei and Gansu
 * completed, a report and policy recommendations written. It reports no end, so the study is in
 * implementation, with the planned end of its framework.
 */

const CODE = 'CN-LGOP-UNICEF-CHILD-POVERTY';
const SOURCE = 'seed-docs/003_9fb43bad77d7822c.txt';

/** "In 2007 ... signed a memorandum of understanding": year only; recorded on the first day of 2007. */
const SIGNED = '2007-01-01';
/** The cooperation framework runs "from 2007 to 2010": years only, so its first and last days. */
const PLANNED_START = '2007-01-01';
const PLANNED_END = '2010-12-31';
/** "As of 2009": year only; what the study had done by then is recorded on the last day of 2009. */
const AS_OF = '2009-12-31';

const SIGNED_NOTE = 'the source says the memorandum was signed "in 2007" (year only); 2007-01-01 is used';
const AS_OF_NOTE = 'the source reports it "as of 2009" (year only), so it is recorded on 2009-12-31';

const DESCRIPTION = [
  'Study on Chinese Child Poverty. Source: seed-docs/003_9fb43bad77d7822c.txt (seed-doc 003, "Poverty Reduction and',
  'Development Experience Sharing", research project 3). In 2007 the Department of International Cooperation and Social',
  "Poverty Alleviation of LGOP and the UN Children's Fund (UNICEF) signed a memorandum of understanding that set the",
  'framework for their cooperation on the study from 2007 to 2010 (years only). The Foreign Capital Project Management',
  'Center of LGOP (FCPMC) was responsible for the implementation. As of 2009, after completing the qualitative and',
  'quantitative research in Hubei and Gansu, the study wrote a report and put forward policy recommendations for the',
  'government. The source gives no start of the research other than the framework\'s, so the study is recorded as',
  'approved and started when the memorandum was signed (2007, year only, recorded on 2007-01-01), and what it had done',
  'as of 2009 on 2009-12-31. It reports no end, names no funder and gives no budget or figures.',
].join(' ');

/** The child poverty study's seed, built afresh: the same value every time it is built. */
export function buildChildPovertyStudy(): SeedProject {
  const seed = recordSeed(CODE);

  seed.on(SIGNED, {
    type: 'ProposeProject',
    data: {
      projectId: seed.id('project'),
      code: CODE,
      title: 'Study on Chinese Child Poverty',
      description: DESCRIPTION,
      country: 'CN',
      // "the qualitative and quantitative research in Hubei and Gansu".
      location: { province: 'Hubei and Gansu' },
      // Social protection: the study of child poverty ends in policy recommendations for the government, and the
      // code covers social protection strategies and programmes for children and those living in poverty.
      sector: '16010' satisfies SeedSector,
      plannedStart: PLANNED_START,
      plannedEnd: PLANNED_END,
      participatingOrganisations: [
        // The two parties to the memorandum, answerable for the study; the source names no funder.
        { name: 'Department of International Cooperation and Social Poverty Alleviation of LGOP', role: 2 },
        { name: "UN Children's Fund (UNICEF)", role: 2 },
        // "FCPMC was responsible for the implementation."
        { name: 'Foreign Capital Project Management Center of LGOP (FCPMC)', role: 4 },
      ],
    },
  });
  seed.on(SIGNED, {
    type: 'ApproveProject',
    data: {
      date: SIGNED,
      reason: `LGOP's Department of International Cooperation and Social Poverty Alleviation and UNICEF signed a memorandum of understanding on the study; ${SIGNED_NOTE}.`,
    },
  });
  seed.on(SIGNED, {
    type: 'StartProject',
    data: {
      date: SIGNED,
      reason: `The memorandum set the cooperation "from 2007 to 2010"; the source gives no other start, so the study is recorded as starting when it was signed (${SIGNED_NOTE}).`,
    },
  });

  const milestones = [
    {
      key: 'hubei-gansu-research',
      title: 'Qualitative and quantitative research in Hubei and Gansu completed',
      evidence: '"As of 2009, after completing the qualitative and quantitative research in Hubei and Gansu" (seed-doc 003)',
    },
    {
      key: 'report-and-recommendations',
      title: 'Report written and policy recommendations put forward to the government',
      evidence: '"they wrote a report and put forward policy recommendations for the government" (seed-doc 003)',
    },
  ];
  for (const milestone of milestones) {
    seed.on(AS_OF, {
      type: 'PlanMilestone',
      data: {
        milestoneId: seed.id('milestone', milestone.key),
        title: milestone.title,
        dueDate: AS_OF,
        description: `Due date: the reporting date; the source reports the step, not when it was planned (${AS_OF_NOTE}).`,
      },
    });
    seed.on(AS_OF, {
      type: 'ReachMilestone',
      data: { milestoneId: seed.id('milestone', milestone.key), date: AS_OF, evidence: `${milestone.evidence}; ${AS_OF_NOTE}.` },
    });
  }

  return seed.done(SOURCE);
}

export const childPovertyStudy: SeedProject = buildChildPovertyStudy();
