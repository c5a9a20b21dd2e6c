import type { SeedSector } from '../dac-sectors.js';
import { recordSeed, type SeedProject } from '../seed-project.js';

/**
 * "Research on the Chinese Community Development Fund Theory and Practice" (May 2008 to March 2009, funded by
 * the Ford Foundation, published as a book in July 2009), recorded from seed-docs/003_9fb43bad77d7822c.txt,
 * research project (1). The research ended in March 2009, so the project is finalised then; the source
 * reports no closure.
 */

const CODE = 'CN-FCPMC-CDF-RESEARCH';
const SOURCE = 'seed-docs/003_9fb43bad77d7822c.txt';

/** "From May 2008 to March 2009": months only; a start is recorded on the first day, an end on the last. */
const STARTED = '2008-05-01';
const ENDED = '2009-03-31';
/** "officially published by Guangming Daily in July 2009": month only; recorded on its last day. */
const PUBLISHED = '2009-07-31';

const DESCRIPTION = [
  'Research on the Chinese Community Development Fund Theory and Practice, conducted from May 2008 to March 2009 (months',
  'only) by the Foreign Capital Project Management Center of LGOP (FCPMC) and funded by the Ford Foundation. Source:',
  'seed-docs/003_9fb43bad77d7822c.txt (seed-doc 003, "Poverty Reduction and Development Experience Sharing", research',
  'project 1). The study group researched and analysed the national community development fund, summarised the key',
  'factors for the success of community development funds, and compiled the results into the book "Chinese Community',
  'Development Fund Theory and Practice", officially published by Guangming Daily in July 2009 (month only). The source',
  'gives no budget, no planned dates and no figures.',
].join(' ');

/** The community development fund research's seed, built afresh: the same value every time it is built. */
export function buildCommunityDevelopmentFundResearch(): SeedProject {
  const seed = recordSeed(CODE);
  const startedNote = 'From May 2008 (month only; the day is not given, so the first of the month is used)';

  seed.on(STARTED, {
    type: 'ProposeProject',
    data: {
      projectId: seed.id('project'),
      code: CODE,
      title: 'Research on the Chinese Community Development Fund Theory and Practice',
      description: DESCRIPTION,
      country: 'CN',
      location: {},
      // Rural development: the research is on community development funds, in a document on poverty reduction;
      // the source supports no narrower sector.
      sector: '43040' satisfies SeedSector,
      participatingOrganisations: [
        { name: 'Ford Foundation', role: 1 },
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
    data: { date: STARTED, reason: `${startedNote} FCPMC conducted the research, funded by the Ford Foundation (seed-doc 003).` },
  });

  const bookId = seed.id('milestone', 'book-published');
  seed.on(STARTED, {
    type: 'PlanMilestone',
    data: {
      milestoneId: bookId,
      title: 'Book "Chinese Community Development Fund Theory and Practice" published',
      dueDate: PUBLISHED,
      description: 'Due date: the publication date the source reports (July 2009, month only); the source gives no planned date.',
    },
  });
  seed.on(ENDED, {
    type: 'FinaliseProject',
    data: {
      date: ENDED,
      reason:
        'The research ran "from May 2008 to March 2009" (seed-doc 003); March 2009 is a month only, so its last day is used. ' +
        'The source reports no closure.',
    },
  });
  seed.on(PUBLISHED, {
    type: 'ReachMilestone',
    data: {
      milestoneId: bookId,
      date: PUBLISHED,
      evidence:
        'The study group "compiled the results into \'Chinese Community Development Fund Theory and Practice\', which was ' +
        'officially published by Guangming Daily in July 2009" (seed-doc 003); the month only is given, so its last day is used.',
    },
  });

  return seed.done(SOURCE);
}

export const communityDevelopmentFundResearch: SeedProject = buildCommunityDevelopmentFundResearch();
