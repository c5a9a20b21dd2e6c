import type { SeedSector } from '../dac-sectors.js';
import { recordSeed, type SeedProject } from '../seed-project.js';

/**
 * The China-Development Assistance Committee (China-DAC) Study Group, established by IPRCC and the OECD DAC
 * in January 2009, recorded from seed-docs/003_9fb43bad77d7822c.txt, research project (7): two research themes
 * of four topics each, four seminars to be convened on them, and the first held in Beijing on 28-29 October
 * 2009 with more than 140 representatives. The source was written while the group worked: it is in
 * implementation. Its other three seminars and its comprehensive report are undated, so they are described,
 * not planned as milestones.
 */

const CODE = 'CN-IPRCC-OECD-DAC-STUDY-GROUP';
const SOURCE = 'seed-docs/003_9fb43bad77d7822c.txt';

/** "in January 2009 ... jointly established": month only; recorded on the first day of the month. */
const ESTABLISHED = '2009-01-01';
/** "From October 28 to 29, 2009". */
const WORKSHOP_START = '2009-10-28';
const WORKSHOP_END = '2009-10-29';

const WORKSHOP_TITLE = 'Experience Sharing Workshop to Promote Learning on Development Partnerships for Growth and Poverty Reduction';

const DESCRIPTION = [
  'China-Development Assistance Committee (China-DAC) Study Group, jointly established in January 2009 (month only) by',
  'the International Poverty Reduction Center in China (IPRCC) and the OECD Development Assistance Committee to promote',
  'the sharing of growth and poverty reduction experience and mutual learning among countries. Source:',
  'seed-docs/003_9fb43bad77d7822c.txt (seed-doc 003, "Poverty Reduction and Development Experience Sharing", research',
  "project 7). It researches two themes: China's experience in growth and poverty reduction (including the impact of",
  'international development assistance to China) and its implications for other developing countries, particularly in',
  'Africa; and China-African economic cooperation and its impact on poverty reduction and development in Africa. Each',
  'theme has four topics: development partners, agricultural growth and rural development, infrastructure construction,',
  'and nurturing the environment for enterprise development. Four seminars are to be convened on the results of the four',
  'topics, and a comprehensive report formed. On 28-29 October 2009 the "Experience Sharing Workshop to Promote Learning',
  'on Development Partnerships for Growth and Poverty Reduction" was convened in Beijing, attended by more than 140',
  'representatives of government departments and research institutes of China, Africa and OECD DAC member countries and',
  'of international organisations. The program "was supported by a number of international multilateral and bilateral',
  'development partners" whom the source does not name, so no funder is recorded. The source gives no dates for the',
  'other seminars or the report, and no budget. The country recorded is China, where the group works and the workshop',
  'was held; the source names no single beneficiary country.',
].join(' ');

/** The China-DAC Study Group's seed, built afresh: the same value every time it is built. */
export function buildChinaDacStudyGroup(): SeedProject {
  const seed = recordSeed(CODE);
  const establishedNote = 'The Study Group was "jointly established" "in January 2009" (seed-doc 003; month only, the first of the month is used)';

  seed.on(ESTABLISHED, {
    type: 'ProposeProject',
    data: {
      projectId: seed.id('project'),
      code: CODE,
      title: 'China-Development Assistance Committee (China-DAC) Study Group',
      description: DESCRIPTION,
      country: 'CN',
      // The source does not say where the group works; its first workshop was in Beijing.
      location: {},
      // Multisector aid: research across development partners, agriculture, infrastructure and enterprise, no single sector.
      sector: '43010' satisfies SeedSector,
      participatingOrganisations: [
        // "IPRCC and the OECD Development Assistance Committee jointly established" the group that does the research.
        { name: 'International Poverty Reduction Center in China (IPRCC)', role: 4 },
        { name: 'OECD Development Assistance Committee (DAC)', role: 4 },
      ],
    },
  });
  seed.on(ESTABLISHED, {
    type: 'ApproveProject',
    data: { date: ESTABLISHED, reason: `The source gives no approval date; approval is recorded on the establishment. ${establishedNote}.` },
  });
  seed.on(ESTABLISHED, { type: 'StartProject', data: { date: ESTABLISHED, reason: `${establishedNote}.` } });

  const workshopId = seed.id('milestone', 'development-partnerships-workshop');
  const representativesId = seed.id('indicator', 'workshop-representatives');
  seed.on(WORKSHOP_START, {
    type: 'PlanMilestone',
    data: {
      milestoneId: workshopId,
      title: `${WORKSHOP_TITLE} convened`,
      dueDate: WORKSHOP_END,
      description: "Due date: the workshop's last day; the source reports the workshop, not when it was planned.",
    },
  });
  seed.on(WORKSHOP_START, {
    type: 'DefineIndicator',
    data: {
      indicatorId: representativesId,
      title: 'Representatives attending the development partnerships workshop',
      unit: 'people',
      measure: 1,
      resultLevel: 1,
      baseline: { value: 0, date: WORKSHOP_START },
      target: { value: 140 },
      description: 'target: the reported figure; the source gives no separate target. It says "more than 140", recorded as 140.',
    },
  });
  seed.on(WORKSHOP_END, {
    type: 'RecordMeasurement',
    data: {
      indicatorId: representativesId,
      measurementId: seed.id('measurement', 'workshop-representatives', WORKSHOP_END),
      value: 140,
      periodStart: WORKSHOP_START,
      date: WORKSHOP_END,
      note:
        '"More than 140 representatives from the government departments and research institutes of China, Africa and member ' +
        'countries of OECD Development Assistance Committee as well relevant international organizations attended the event" ' +
        '(seed-doc 003): more than 140, no exact number given, so 140, the figure the source supports, is recorded.',
    },
  });
  seed.on(WORKSHOP_END, {
    type: 'ReachMilestone',
    data: {
      milestoneId: workshopId,
      date: WORKSHOP_END,
      evidence: `"From October 28 to 29, 2009, the '${WORKSHOP_TITLE}' was convened in Beijing" (seed-doc 003).`,
    },
  });

  return seed.done(SOURCE);
}

export const chinaDacStudyGroup: SeedProject = buildChinaDacStudyGroup();
