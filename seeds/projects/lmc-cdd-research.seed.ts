import type { SeedSector } from '../dac-sectors.js';
import { recordSeed, type SeedProject } from '../seed-project.js';

/**
 * The joint research on Community Driven Development (CDD) under Lancang-Mekong Cooperation between a
 * Chinese team and the Poverty Reduction Fund, recorded from seed-docs/000_fecd491f6900742f.txt: the
 * contract signed at the beginning of 2020 and the online meeting of 24 July 2020 (20 participants, 7 of
 * them women) where the Chinese team presented its results.
 */

const CODE = 'CN-LA-LMC-CDD-RESEARCH';
const SOURCE = 'seed-docs/000_fecd491f6900742f.txt';

/** "In beginning of 2020": the source gives neither month nor day. */
const CONTRACT = '2020-01-01';
const CONTRACT_NOTE = 'the source says only "in beginning of 2020" (no month or day); 2020-01-01 is used';
const MEETING = '2020-07-24';

const DESCRIPTION = [
  "Research on the Mutual Reference of China's Poverty Reduction Experiences under Lancang-Mekong Cooperation",
  'Frame: theory and practice of CDD projects in China. Source: seed-docs/000_fecd491f6900742f.txt (seed-doc 000,',
  '"Online Meeting between Chinese Team and Poverty Reduction Fund"). In the beginning of 2020 (no month or day given)',
  'Chinese researchers and the Poverty Reduction Fund (PRF) signed a contract to conduct a joint research on the',
  'impact of Community Driven Development (CDD) on rural development of China, aiming to exchange and share policies',
  'and best practices on CDD among Lancang-Mekong Cooperation countries. On 24 July 2020 an online meeting (Skype, at',
  'the PRF Office) with 20 participants, 7 of them women, heard the Chinese team present its results. Dr. Wenyan Lei,',
  'team leader of China, reported that CDD programmes in China achieved good results in empowering farmers, targeting',
  'poverty alleviation needs and targets, improving project sustainability and enhancing the capacity of farmers and',
  "communities. The source does not name the PRF's country; it is recorded as the Lao Poverty Reduction Fund (an",
  'identification from outside the source), so the country is Laos. The source gives no budget, funding organisation,',
  'planned dates or end of the research.',
].join(' ');

/** The CDD research's seed, built afresh: the same value every time it is built. */
export function buildLmcCddResearch(): SeedProject {
  const seed = recordSeed(CODE);

  seed.on(CONTRACT, {
    type: 'ProposeProject',
    data: {
      projectId: seed.id('project'),
      code: CODE,
      title:
        "Research on the Mutual Reference of China's Poverty Reduction Experiences under Lancang-Mekong Cooperation: theory and practice of CDD projects in China",
      description: DESCRIPTION,
      country: 'LA',
      location: {},
      // Rural development: the research is on the impact of CDD on rural development.
      sector: '43040' satisfies SeedSector,
      participatingOrganisations: [
        { name: 'Poverty Reduction Fund (PRF)', role: 4 },
        { name: 'Chinese research team (team leader Dr. Wenyan Lei)', role: 4 },
      ],
    },
  });
  seed.on(CONTRACT, {
    type: 'ApproveProject',
    data: {
      date: CONTRACT,
      reason: `Chinese researchers and the Poverty Reduction Fund signed a contract to conduct the joint research; ${CONTRACT_NOTE}.`,
    },
  });
  seed.on(CONTRACT, {
    type: 'StartProject',
    data: {
      date: CONTRACT,
      reason: `The source gives no start date other than the contract's; the research is recorded as starting when it was signed (${CONTRACT_NOTE}).`,
    },
  });

  const meetingId = seed.id('milestone', 'online-meeting');
  const participantsId = seed.id('indicator', 'meeting-participants');
  seed.on(MEETING, {
    type: 'PlanMilestone',
    data: {
      milestoneId: meetingId,
      title: 'Online meeting: the Chinese team presents its research results to the Poverty Reduction Fund',
      dueDate: MEETING,
      description: 'Due date: the meeting day; the source reports the meeting, not when it was planned.',
    },
  });
  seed.on(MEETING, {
    type: 'ReachMilestone',
    data: {
      milestoneId: meetingId,
      date: MEETING,
      evidence:
        'On 24 July 2020 the meeting was organised through Skype at the PRF Office with a total of 20 participants (7 women). ' +
        'The research outcomes of the Chinese team "included good academic profundity, innovative viewpoint, reasonable ' +
        'structure and consecution"; the presentation "had shown progressive results through different factors of rural ' +
        'development" (seed-doc 000).',
    },
  });
  seed.on(MEETING, {
    type: 'DefineIndicator',
    data: {
      indicatorId: participantsId,
      title: 'Participants in the online meeting of 24 July 2020',
      unit: 'people',
      measure: 1,
      resultLevel: 1,
      baseline: { value: 0, date: CONTRACT },
      target: { value: 20 },
      description: 'target: the reported figure; the source gives no separate target.',
    },
  });
  seed.on(MEETING, {
    type: 'RecordMeasurement',
    data: {
      indicatorId: participantsId,
      measurementId: seed.id('measurement', 'meeting-participants', MEETING),
      value: 20,
      date: MEETING,
      // "20 participants (7 women)": the other 13 are not broken down, so they stay unknown, not male.
      disaggregation: { female: 7 },
      note: '"a total of 20 participants (7 women)" (seed-doc 000); the source does not say how many of the others were men.',
    },
  });

  return seed.done(SOURCE);
}

export const lmcCddResearch: SeedProject = buildLmcCddResearch();
