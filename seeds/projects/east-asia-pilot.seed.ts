import type { SeedSector } from '../dac-sectors.js';
import { recordSeed, type SeedProject } from '../seed-project.js';

/**
 * The East Asia Poverty Reduction Cooperation Pilot Project, recorded from
 * seed-docs/001_2676b72182e12c01.txt: the Meeting of Achievement Summary and Experience Sharing held in
 * Chengdu on 4 November, where the implementers from Guangxi, Yunnan and Sichuan reported and the
 * evaluation, summary and experience dissemination of the project were required.
 *
 * The document gives the day and month of the meeting, not the year. It asks for "the overall planning of
 * pandemic prevention and control and project conclusion", so the meeting is in 2020 at the earliest;
 * 2020 is used and said wherever the date appears.
 */

const CODE = 'CN-EAPR-PILOT';
const SOURCE = 'seed-docs/001_2676b72182e12c01.txt';

const MEETING = '2020-11-04';
const MEETING_DATE_NOTE =
  'the source dates the meeting "November 4" without a year; 2020 is the earliest year its call for "pandemic ' +
  'prevention and control" allows, and is used';
const NO_EARLIER_DATE =
  `The source gives no date before the summary meeting of 4 November (${MEETING_DATE_NOTE}); this step is recorded on the ` +
  'meeting day, by when it had certainly happened';

const DESCRIPTION = [
  'The East Asia Poverty Reduction Cooperation Pilot Project. Source: seed-docs/001_2676b72182e12c01.txt (seed-doc 001,',
  '"The IPRCC Participates in the Meeting of Achievement Summary and Experience Sharing of the East Asia Poverty Reduction',
  'Cooperation Pilot Project"). The Agency for International Economic Cooperation, Ministry of Commerce of the P.R.C.,',
  'held the meeting in the morning of 4 November (year not given; 2020 assumed, the earliest year consistent with its',
  'mention of pandemic prevention and control) in Chengdu, Sichuan Province. More than 20 representatives of the',
  'Foreign Capital Poverty Alleviation Project Management Center of Guangxi Zhuang Autonomous Region, the International',
  'Poverty Reduction and Development Center of Yunnan Province and the Project Center of Sichuan Poverty Alleviation and',
  'Development Bureau attended, with Mr. Li Xiaobing, Director General of the Agency, and Dr. Tan Weiping, Deputy',
  'Director General of the International Poverty Reduction Center in China (IPRCC), who introduced the overall progress',
  'and experience of the project. The representative of each project implementation organisation reported on its',
  'project. Mr. Li said the project focuses on the basic livelihood of the partner country, "small but refined", and',
  'raised requirements for the overall planning of pandemic prevention and control and project conclusion, and for',
  'strengthening the project evaluation, summary and experience dissemination. The source does not name the partner',
  'countries, so the country recorded is China, where the implementers are. It gives no budget, funding organisation,',
  'planned or actual dates of the project, nor IPRCC\'s role in it; every lifecycle step is recorded on the meeting day.',
].join(' ');

/** The pilot project's seed, built afresh: the same value every time it is built. */
export function buildEastAsiaPilot(): SeedProject {
  const seed = recordSeed(CODE);

  seed.on(MEETING, {
    type: 'ProposeProject',
    data: {
      projectId: seed.id('project'),
      code: CODE,
      title: 'East Asia Poverty Reduction Cooperation Pilot Project',
      description: DESCRIPTION,
      country: 'CN',
      location: {},
      // Rural development (multisector): "the basic livelihood of the partner country", recorded like the
      // East Asia demonstration sites of seed-doc 004.
      sector: '43040' satisfies SeedSector,
      participatingOrganisations: [
        // It held the achievement summary meeting and set the requirements for the project's conclusion.
        { name: 'Agency for International Economic Cooperation, Ministry of Commerce of the P.R.C.', role: 2 },
        { name: 'Foreign Capital Poverty Alleviation Project Management Center of Guangxi Zhuang Autonomous Region', role: 4 },
        { name: 'International Poverty Reduction and Development Center of Yunnan Province', role: 4 },
        { name: 'Project Center of Sichuan Poverty Alleviation and Development Bureau', role: 4 },
      ],
    },
  });
  seed.on(MEETING, { type: 'ApproveProject', data: { date: MEETING, reason: `${NO_EARLIER_DATE}.` } });
  seed.on(MEETING, {
    type: 'StartProject',
    data: {
      date: MEETING,
      reason: `${NO_EARLIER_DATE}: at the meeting "the representative of each project implementation organization also reported on their respective project".`,
    },
  });

  const meetingId = seed.id('milestone', 'summary-meeting');
  seed.on(MEETING, {
    type: 'PlanMilestone',
    data: {
      milestoneId: meetingId,
      title: 'Meeting of Achievement Summary and Experience Sharing held (Chengdu)',
      dueDate: MEETING,
      description: `Due date: the meeting day; the source gives no planned date (${MEETING_DATE_NOTE}).`,
    },
  });

  const required = [
    {
      key: 'evaluation',
      title: 'Project evaluation',
      quote: '"strengthening the project evaluation"',
    },
    {
      key: 'summary-and-dissemination',
      title: 'Project summary and experience dissemination',
      quote: '"summary and experience dissemination"',
    },
  ];
  for (const milestone of required) {
    seed.on(MEETING, {
      type: 'PlanMilestone',
      data: {
        milestoneId: seed.id('milestone', milestone.key),
        title: milestone.title,
        dueDate: MEETING,
        description:
          `Required at the summary meeting by Mr. Li Xiaobing, Director General of the Agency for International Economic ` +
          `Cooperation: ${milestone.quote} (seed-doc 001). The source gives no due date; the meeting day is used (${MEETING_DATE_NOTE}), ` +
          'so the milestone shows as overdue until it is reached. The source reports no outcome.',
      },
    });
  }

  seed.on(MEETING, {
    type: 'ReachMilestone',
    data: {
      milestoneId: meetingId,
      date: MEETING,
      evidence:
        'Held in the morning of November 4 in Chengdu, Sichuan Province, by the Agency for International Economic ' +
        'Cooperation, Ministry of Commerce of the P.R.C.; more than 20 representatives of the three implementation ' +
        'organisations (Guangxi, Yunnan, Sichuan) attended; Dr. Tan Weiping (IPRCC) introduced the overall progress and ' +
        `experience of the project and each implementation organisation reported on its project (seed-doc 001; ${MEETING_DATE_NOTE}).`,
    },
  });

  return seed.done(SOURCE);
}

export const eastAsiaPilot: SeedProject = buildEastAsiaPilot();
