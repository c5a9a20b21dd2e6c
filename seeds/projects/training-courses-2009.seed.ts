import type { ParticipatingOrganisation, ProjectLocation } from '@app/domain';

import type { SeedSector } from '../dac-sectors.js';
import { recordSeed, type SeedProject } from '../seed-project.js';

/**
 * Four of the 2009 training courses of seed-docs/003_9fb43bad77d7822c.txt, each a project that took place,
 * so each is finalised and closed on its last day. Their participants and countries are output indicators
 * measured over the course's dates.
 *
 * The source dates each course by day and month only; it lists them under "In 2009, IPRCC successfully held
 * six poverty reduction training courses ...", so the year 2009 is assumed, and said in every project.
 */

const SOURCE = 'seed-docs/003_9fb43bad77d7822c.txt';
const YEAR_NOTE =
  'the source gives the day and month only; it lists the course among the training activities of its review of 2009 ' +
  '("In 2009, IPRCC successfully held six poverty reduction training courses ..."), so the year 2009 is assumed';
const NO_FUNDER =
  'The source says six of IPRCC\'s 2009 courses were "training courses of the Ministry of Foreign Affairs, Ministry of ' +
  'Finance and Ministry of Commerce for developing countries" without saying which, so no funder is recorded.';
const IPRCC: ParticipatingOrganisation = { name: 'International Poverty Reduction Center in China (IPRCC)', role: 4 };

interface CourseFacts {
  code: string;
  title: string;
  /** Which numbered item of the source's training list it is. */
  item: number;
  /** The source's words for the dates, e.g. "From June 26 to July 9". */
  when: string;
  start: string;
  end: string;
  location: ProjectLocation;
  sector: SeedSector;
  /** Why this sector, for the reader of the seed. */
  sectorNote: string;
  organisations: ParticipatingOrganisation[];
  /** What the source says of the course, in its words where they matter. */
  summary: string;
  indicators: { key: string; title: string; unit: string; value: number; note: string }[];
}

const COURSES: CourseFacts[] = [
  {
    code: 'CN-IPRCC-2009-AFRICA-OFFICIALS',
    title: 'Seminar on Development-oriented Poverty Alleviation and Practice for African Officials (2009)',
    item: 2,
    when: 'From June 26 to July 9',
    start: '2009-06-26',
    end: '2009-07-09',
    location: { province: 'Beijing and Gansu' },
    sector: '11430',
    sectorNote: 'Advanced technical and managerial training: in-service training of officials.',
    organisations: [IPRCC],
    summary:
      'The seminar "took place in Beijing and Gansu. A total of 37 department and division officials from 19 Francophone ' +
      'African countries such as Algeria and Benin attended the event."',
    indicators: [
      { key: 'participants', title: 'Officials trained', unit: 'people', value: 37, note: '"A total of 37 department and division officials"' },
      { key: 'countries', title: 'Countries represented', unit: 'countries', value: 19, note: '"from 19 Francophone African countries such as Algeria and Benin"' },
    ],
  },
  {
    code: 'CN-IPRCC-2009-CHINA-AFRICA-HIGH-LEVEL',
    title: 'Second High-level Seminar on China-Africa Development Experience Sharing (2009)',
    item: 3,
    when: 'From July 8 to 17',
    start: '2009-07-08',
    end: '2009-07-17',
    // The source does not say where the seminar sat; its field visits were in Shandong and Fujian.
    location: {},
    sector: '11430',
    sectorNote: 'Advanced technical and managerial training: a seminar for senior officials.',
    organisations: [IPRCC],
    summary:
      '"33 officials from 18 central and western African countries participated in the event, including 23 vice ministers." ' +
      'LGOP Director-General Fan Xiaojian, Vice Minister of Commerce Fu Ziying, Assistance to Vice Minister of Finance Zhang ' +
      'Tong and Vice President of the World Bank Sanjay Pradhan addressed the opening ceremony. The participants visited new ' +
      'rural construction areas, economic and technological development zones and industrialisation poverty reduction ' +
      'projects in Shandong and Fujian. The source does not say where the seminar itself was held.',
    indicators: [
      { key: 'participants', title: 'Officials participating', unit: 'people', value: 33, note: '"33 officials from 18 central and western African countries"' },
      { key: 'vice-ministers', title: 'Vice ministers among the participants', unit: 'people', value: 23, note: '"including 23 vice ministers"' },
      { key: 'countries', title: 'Countries represented', unit: 'countries', value: 18, note: '"from 18 central and western African countries"' },
    ],
  },
  {
    code: 'CN-IPRCC-2009-ENVIRONMENT-TRAINING',
    title: 'Third Training on National Environmental Protection and Poverty Alleviation (2009)',
    item: 4,
    when: 'From September 4 to 9',
    start: '2009-09-04',
    end: '2009-09-09',
    location: { district: 'Yulong Naxi Autonomous County', province: 'Yunnan' },
    sector: '41081',
    sectorNote: 'Environmental education/training: training on environmental protection and poverty alleviation.',
    organisations: [
      IPRCC,
      // "convened ... jointly with The Nature Conservancy": a co-organiser; the source does not say it funded the course.
      { name: 'The Nature Conservancy', role: 4 },
    ],
    summary:
      'The training "was convened in Naxi Autonomous County of Yulong, Yunnan Province jointly with The Nature Conservancy. ' +
      'A total of 35 representatives from 11 western provinces (autonomous regions) participated in the training." Experts ' +
      'from the United Nations Environment Programme, UN ESCAP, World Wide Fund for Nature, China Agricultural University, ' +
      'Chinese Academy of Sciences, Sichuan Academy of Social Sciences and Yunnan Development Research Institute lectured on ' +
      'the relationship between environmental protection and poverty alleviation.',
    indicators: [
      { key: 'participants', title: 'Representatives trained', unit: 'people', value: 35, note: '"A total of 35 representatives"' },
      { key: 'provinces', title: 'Western provinces (autonomous regions) represented', unit: 'provinces', value: 11, note: '"from 11 western provinces (autonomous regions)"' },
    ],
  },
  {
    code: 'CN-IPRCC-2009-IFAD-SOUTH-SOUTH',
    title: 'Seminar on South-South Cooperation Experience Sharing of China and IFAD (2009)',
    item: 5,
    when: 'From September 23 to 29',
    start: '2009-09-23',
    end: '2009-09-29',
    location: { province: 'Beijing and Guangxi' },
    sector: '11430',
    sectorNote: 'Advanced technical and managerial training: a workshop for project managers.',
    organisations: [IPRCC],
    summary:
      '"IPRCC held in Beijing and Guangxi the \'Seminar on South-South Cooperation Experience Sharing of China and IFAD\'. A ' +
      'total of 18 IFAD project managers from Bangladesh, Vietnam, Madagascar and Rwanda participated in the workshop."',
    indicators: [
      { key: 'participants', title: 'IFAD project managers participating', unit: 'people', value: 18, note: '"A total of 18 IFAD project managers"' },
      { key: 'countries', title: 'Countries represented', unit: 'countries', value: 4, note: '"from Bangladesh, Vietnam, Madagascar and Rwanda"' },
    ],
  },
];

function buildCourse(course: CourseFacts): SeedProject {
  const seed = recordSeed(course.code);
  const dates = `${course.when} (${YEAR_NOTE})`;
  const description = [
    `${course.title.replace(/ \(2009\)$/, '')}: training course ${course.item} of the list in ${SOURCE} (seed-doc 003,`,
    `"Poverty Reduction and Development Experience Sharing"), held ${course.when}, 2009 (${YEAR_NOTE}).`,
    course.summary,
    'The country recorded is China, where the course was held.',
    NO_FUNDER,
    'The source gives no budget, no planned dates and no breakdown of the participants by sex.',
  ].join(' ');

  seed.on(course.start, {
    type: 'ProposeProject',
    data: {
      projectId: seed.id('project'),
      code: course.code,
      title: course.title,
      description,
      country: 'CN',
      location: course.location,
      sector: course.sector,
      participatingOrganisations: course.organisations,
    },
  });
  seed.on(course.start, {
    type: 'ApproveProject',
    data: {
      date: course.start,
      reason: `The source gives no proposal or approval date; both are recorded on the first day of the course: ${dates}.`,
    },
  });
  seed.on(course.start, { type: 'StartProject', data: { date: course.start, reason: `The course opened: ${dates}.` } });
  for (const indicator of course.indicators) {
    seed.on(course.start, {
      type: 'DefineIndicator',
      data: {
        indicatorId: seed.id('indicator', indicator.key),
        title: indicator.title,
        unit: indicator.unit,
        measure: 1,
        resultLevel: 1,
        baseline: { value: 0, date: course.start },
        target: { value: indicator.value },
        description: 'target: the reported figure; the source gives no separate target.',
      },
    });
  }
  for (const indicator of course.indicators) {
    seed.on(course.end, {
      type: 'RecordMeasurement',
      data: {
        indicatorId: seed.id('indicator', indicator.key),
        measurementId: seed.id('measurement', indicator.key, course.end),
        value: indicator.value,
        periodStart: course.start,
        date: course.end,
        note: `${indicator.note} (seed-doc 003, training course ${course.item}); over the course's dates, ${dates}.`,
      },
    });
  }
  seed.on(course.end, {
    type: 'FinaliseProject',
    data: { date: course.end, reason: `The course took place and ended on its last day: ${dates}.` },
  });
  seed.on(course.end, {
    type: 'CloseProject',
    data: {
      date: course.end,
      reason: `The source reports the course held; it gives no closing date, so the course is closed on its last day (${YEAR_NOTE}).`,
    },
  });
  return seed.done(SOURCE);
}

/** The four courses' seeds, built afresh: the same values every time they are built. */
export function buildTrainingCourses2009(): SeedProject[] {
  return COURSES.map(buildCourse);
}

export const trainingCourses2009: readonly SeedProject[] = buildTrainingCourses2009();
