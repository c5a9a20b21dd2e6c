import type { SeedSector } from '../dac-sectors.js';
import { recordSeed, type SeedProject } from '../seed-project.js';

/**
 * The "Research on the Complaint Mechanism for Community-driven Development Projects" (FCPMC and the Asia
 * Foundation, January to September 2009), recorded from seed-docs/003_9fb43bad77d7822c.txt, research project
 * (6). Its paper "Role and Policy Significance of Publicity and Complaint Mechanism" is undated; it is recorded
 * at the end of the research, which is finalised then. The source reports no closure.
 */

const CODE = 'CN-FCPMC-TAF-CDD-COMPLAINT';
const SOURCE = 'seed-docs/003_9fb43bad77d7822c.txt';

/** "From January to September 2009": months only; a start is recorded on the first day, an end on the last. */
const STARTED = '2009-01-01';
const ENDED = '2009-09-30';

const PAPER_TITLE = 'Role and Policy Significance of Publicity and Complaint Mechanism';

const DESCRIPTION = [
  'Research on the Complaint Mechanism for Community-driven Development Projects, conducted jointly from January to',
  'September 2009 (months only) by the Foreign Capital Project Management Center of LGOP (FCPMC) and the Asia Foundation.',
  'Source: seed-docs/003_9fb43bad77d7822c.txt (seed-doc 003, "Poverty Reduction and Development Experience Sharing",',
  'research project 6). Through survey, research and analysis of the operational model of publicity and complaint in',
  'the pilot project areas for CDD, the researchers wrote "Role and Policy Significance of Publicity and Complaint',
  'Mechanism", towards a monitoring mechanism for community-driven development. The source does not date the paper, so',
  'it is recorded on the last day of the research (2009-09-30). It does not name the pilot areas or a funder (the Asia',
  'Foundation is recorded as a co-implementer, as "jointly conducted" says), and gives no budget or figures.',
].join(' ');

/** The CDD complaint mechanism research's seed, built afresh: the same value every time it is built. */
export function buildCddComplaintMechanismResearch(): SeedProject {
  const seed = recordSeed(CODE);
  const startedNote = 'From January 2009 (month only; the day is not given, so the first of the month is used)';
  const endedNote = '"to September 2009" (seed-doc 003); September 2009 is a month only, so its last day is used';

  seed.on(STARTED, {
    type: 'ProposeProject',
    data: {
      projectId: seed.id('project'),
      code: CODE,
      title: 'Research on the Complaint Mechanism for Community-driven Development Projects',
      description: DESCRIPTION,
      country: 'CN',
      // "the pilot project areas for CDD": the source does not name them.
      location: {},
      // Rural development: the monitoring of community-driven development projects in rural pilot areas, as for the
      // other CDD research seeded; the source supports no narrower sector.
      sector: '43040' satisfies SeedSector,
      participatingOrganisations: [
        // "FCPMC and the Asia Foundation jointly conducted": both carried it out; the source names no funder.
        { name: 'Foreign Capital Project Management Center of LGOP (FCPMC)', role: 4 },
        { name: 'The Asia Foundation', role: 4 },
      ],
    },
  });
  seed.on(STARTED, {
    type: 'ApproveProject',
    data: { date: STARTED, reason: `The source gives no approval date; approval is recorded on the start. ${startedNote}.` },
  });
  seed.on(STARTED, {
    type: 'StartProject',
    data: { date: STARTED, reason: `${startedNote}, FCPMC and the Asia Foundation jointly conducted the research (seed-doc 003).` },
  });

  const paperId = seed.id('milestone', 'paper-written');
  seed.on(STARTED, {
    type: 'PlanMilestone',
    data: {
      milestoneId: paperId,
      title: `"${PAPER_TITLE}" written`,
      dueDate: ENDED,
      description: 'Due date: the end of the research (September 2009, month only); the source gives no planned date.',
    },
  });
  seed.on(ENDED, {
    type: 'ReachMilestone',
    data: {
      milestoneId: paperId,
      date: ENDED,
      evidence:
        `"the researchers wrote the '${PAPER_TITLE}'" (seed-doc 003). The source does not date the paper; it is recorded at ` +
        `the end of the research, ${endedNote}.`,
    },
  });
  seed.on(ENDED, {
    type: 'FinaliseProject',
    data: { date: ENDED, reason: `The research ran "from January to September 2009": ${endedNote}. The source reports no closure.` },
  });

  return seed.done(SOURCE);
}

export const cddComplaintMechanismResearch: SeedProject = buildCddComplaintMechanismResearch();
