import type { SeedSector } from '../dac-sectors.js';
import { recordSeed, type SeedProject } from '../seed-project.js';

/**
 * The "Research on the Role of Non-governmental Organizations in Post-Wenchuan Earthquake Reconstruction and
 * the Way of Giving Play to Their Role" (FCPMC and ADB, May 2008 to March 2009), recorded from
 * seed-docs/003_9fb43bad77d7822c.txt, research project (5). The research ended in March 2009 and "finally"
 * formed its research report, so the report is recorded at the end and the project finalised then; the source
 * reports no closure.
 */

const CODE = 'CN-FCPMC-ADB-NGO-RECONSTRUCTION';
const SOURCE = 'seed-docs/003_9fb43bad77d7822c.txt';

/** "From May 2008 to March 2009": months only; a start is recorded on the first day, an end on the last. */
const STARTED = '2008-05-01';
const ENDED = '2009-03-31';

const REPORT_TITLE =
  'Research Report on the Role of Non-governmental Organizations in Post-Wenchuan Earthquake Reconstruction and the Way of Giving Play to Their Role';

const DESCRIPTION = [
  'Research on the Role of Non-governmental Organizations in Post-Wenchuan Earthquake Reconstruction and the Way of',
  'Giving Play to Their Role, conducted jointly from May 2008 to March 2009 (months only) by the Foreign Capital Project',
  'Management Center of LGOP (FCPMC) and the Asian Development Bank (ADB). Source: seed-docs/003_9fb43bad77d7822c.txt',
  '(seed-doc 003, "Poverty Reduction and Development Experience Sharing", research project 5). Analysing the main factors',
  'affecting NGO involvement in the post-quake reconstruction, it explored approaches to coordinated relationships and',
  'actions between NGOs, and between NGOs, governments and other forces, and revealed the government\'s action guideline',
  'and governance mechanism for NGO participation in post-disaster reconstruction, "finally forming" the research report.',
  'The source does not date the report, so it is recorded on the last day of the research (2009-03-31). It does not say',
  'where the research was done or who funded it (ADB is recorded as a co-implementer, as "jointly conducted" says), and',
  'gives no budget or figures.',
].join(' ');

/** The NGO reconstruction research's seed, built afresh: the same value every time it is built. */
export function buildNgoReconstructionResearch(): SeedProject {
  const seed = recordSeed(CODE);
  const startedNote = 'From May 2008 (month only; the day is not given, so the first of the month is used)';
  const endedNote = '"to March 2009" (seed-doc 003); March 2009 is a month only, so its last day is used';

  seed.on(STARTED, {
    type: 'ProposeProject',
    data: {
      projectId: seed.id('project'),
      code: CODE,
      title: 'Research on the Role of Non-governmental Organizations in Post-Wenchuan Earthquake Reconstruction',
      description: DESCRIPTION,
      country: 'CN',
      // The source names the Wenchuan earthquake but not where the research was done.
      location: {},
      // Democratic participation and civil society: the research is on NGOs' part in the reconstruction and on the
      // governance mechanism for their participation, not on the reconstruction works themselves.
      sector: '15150' satisfies SeedSector,
      participatingOrganisations: [
        // "FCPMC and ADB jointly conducted": both carried it out; the source does not say ADB funded it.
        { name: 'Foreign Capital Project Management Center of LGOP (FCPMC)', role: 4 },
        { name: 'Asian Development Bank (ADB)', role: 4 },
      ],
    },
  });
  seed.on(STARTED, {
    type: 'ApproveProject',
    data: { date: STARTED, reason: `The source gives no approval date; approval is recorded on the start. ${startedNote}.` },
  });
  seed.on(STARTED, {
    type: 'StartProject',
    data: { date: STARTED, reason: `${startedNote}, FCPMC and ADB jointly conducted the research (seed-doc 003).` },
  });

  const reportId = seed.id('milestone', 'research-report');
  seed.on(STARTED, {
    type: 'PlanMilestone',
    data: {
      milestoneId: reportId,
      title: `"${REPORT_TITLE}" formed`,
      dueDate: ENDED,
      description: 'Due date: the end of the research (March 2009, month only); the source gives no planned date.',
    },
  });
  seed.on(ENDED, {
    type: 'ReachMilestone',
    data: {
      milestoneId: reportId,
      date: ENDED,
      evidence:
        `The research ended "finally forming the '${REPORT_TITLE}'" (seed-doc 003). The source does not date the report; it is ` +
        `recorded at the end of the research, ${endedNote}.`,
    },
  });
  seed.on(ENDED, {
    type: 'FinaliseProject',
    data: { date: ENDED, reason: `The research ran "from May 2008 to March 2009": ${endedNote}. The source reports no closure.` },
  });

  return seed.done(SOURCE);
}

export const ngoReconstructionResearch: SeedProject = buildNgoReconstructionResearch();
