import type { SeedSector } from '../dac-sectors.js';
import { recordSeed, type SeedProject } from '../seed-project.js';

/**
 * The "study on CDD mechanism and project procedures" (May 2008 to March 2009, its book "Operational
 * Guidance on Community-driven Development of China" published in October 2009), recorded from
 * seed-docs/003_9fb43bad77d7822c.txt, research project (4). The research ended in March 2009, so the project
 * is finalised then; the source reports no closure.
 *
 * The source does not say who carried the study out, and a project must name one organisation (as an IATI
 * activity must). FCPMC is recorded as its implementer, an inference said in the description: the study
 * ran over the same months as FCPMC's research projects (1) and (5), its book came from the publisher of
 * (1)'s, and FCPMC is the body the source ties to CDD elsewhere (its research (6) on the complaint mechanism
 * of CDD projects, its exchange visit to CDD pilot project areas).
 */

const CODE = 'CN-FCPMC-CDD-MECHANISM-STUDY';
const SOURCE = 'seed-docs/003_9fb43bad77d7822c.txt';

/** "From May 2008 to March 2009": months only; a start is recorded on the first day, an end on the last. */
const STARTED = '2008-05-01';
const ENDED = '2009-03-31';
/** "officially published by Guangming Daily in October 2009": month only; recorded on its last day. */
const PUBLISHED = '2009-10-31';

const DESCRIPTION = [
  'Study on CDD (community-driven development) mechanism and project procedures, implemented from May 2008 to March',
  '2009 (months only). Source: seed-docs/003_9fb43bad77d7822c.txt (seed-doc 003, "Poverty Reduction and Development',
  'Experience Sharing", research project 4). The study covered CDD theory, practice, policies, support system and',
  'project procedures; it promoted the combination of CDD theory and practice, standardised the operating procedures of',
  'CDD and improved the CDD policy system. Its book "Operational Guidance on Community-driven Development of China" was',
  'officially published by Guangming Daily in October 2009 (month only). The source does not say who carried the study',
  'out; the Foreign Capital Project Management Center of LGOP (FCPMC) is recorded as its implementer by inference, not',
  "from the source's words: the study ran over the same months as FCPMC's research projects 1 and 5, its book came from",
  "the publisher of project 1's, and FCPMC is the body the source ties to CDD elsewhere (its research project 6 on the",
  'complaint mechanism of CDD projects, its exchange visit to CDD pilot project areas). The source gives no funder,',
  'budget, planned dates or figures.',
].join(' ');

/** The CDD mechanism study's seed, built afresh: the same value every time it is built. */
export function buildCddMechanismStudy(): SeedProject {
  const seed = recordSeed(CODE);
  const startedNote = 'From May 2008 (month only; the day is not given, so the first of the month is used)';

  seed.on(STARTED, {
    type: 'ProposeProject',
    data: {
      projectId: seed.id('project'),
      code: CODE,
      title: 'Study on CDD mechanism and project procedures',
      description: DESCRIPTION,
      country: 'CN',
      location: {},
      // Rural development: community-driven development of poor villages, as for the other CDD research seeded;
      // the source supports no narrower sector.
      sector: '43040' satisfies SeedSector,
      participatingOrganisations: [
        // An inference, not the source's words: see the comment at the top of the file.
        { name: 'Foreign Capital Project Management Center of LGOP (FCPMC)', role: 4 },
      ],
    },
  });
  seed.on(STARTED, {
    type: 'ApproveProject',
    data: { date: STARTED, reason: `The source gives no approval date; approval is recorded on the start. ${startedNote}.` },
  });
  seed.on(STARTED, {
    type: 'StartProject',
    data: { date: STARTED, reason: `${startedNote}, "the 'study on CDD mechanism and project procedures' was implemented" (seed-doc 003).` },
  });

  const bookId = seed.id('milestone', 'book-published');
  seed.on(STARTED, {
    type: 'PlanMilestone',
    data: {
      milestoneId: bookId,
      title: 'Book "Operational Guidance on Community-driven Development of China" published',
      dueDate: PUBLISHED,
      description: 'Due date: the publication date the source reports (October 2009, month only); the source gives no planned date.',
    },
  });
  seed.on(ENDED, {
    type: 'FinaliseProject',
    data: {
      date: ENDED,
      reason:
        'The study was implemented "from May 2008 to March 2009" (seed-doc 003); March 2009 is a month only, so its last day ' +
        'is used. The source reports no closure.',
    },
  });
  seed.on(PUBLISHED, {
    type: 'ReachMilestone',
    data: {
      milestoneId: bookId,
      date: PUBLISHED,
      evidence:
        'The book "\'Operational Guidance on Community-driven Development of China\' was officially published by Guangming ' +
        'Daily in October 2009" (seed-doc 003); the month only is given, so its last day is used.',
    },
  });

  return seed.done(SOURCE);
}

export const cddMechanismStudy: SeedProject = buildCddMechanismStudy();
