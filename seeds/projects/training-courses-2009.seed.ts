import type { ParticipatingOrganisation, ProjectLocation } from '@app/domain';

import type { SeedSector } from '../dac-sectors.js';
import { recordSeed, type SeedProject } from '../seed-project.js';

/**
 * The ten 2009 training courses of seed-docs/003_9fb43bad77d7822c.txt (its numbered training list, items 1 to
 * 10), each a project that took place, so each is finalised and closed on its last day. The figures the
 * source gives (participants, countries, provinces, offices) are output indicators measured over the course's
 * dates; where it gives a bound ("more than 40") the bound is recorded and the note says so, and where it
 * gives none ("nearly 140") nothing is.
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
/** "jointly with the United Nations Children's Fund": a co-organiser; the source does not say it funded the course. */
const UNICEF: ParticipatingOrganisation = { name: "United Nations Children's Fund (UNICEF)", role: 4 };
const HOST_COUNTRY = 'The country recorded is China, where the course was held.';
/**
 * IATI's recipient country is the one that benefits. A course for officials of several countries benefits
 * them all, but a project records one country; like the other courses for foreign officials, China, the
 * host, is recorded, and the participants' countries are left to the description and the indicators.
 */
const MANY_COUNTRIES =
  "The country recorded is China, where the course was held: the participants came from several countries and a project " +
  "records one, so the host country is recorded, as for IPRCC's other 2009 courses for foreign officials.";
/** A course for Chinese officials: China is both where it was held and who it served. */
const CHINESE_OFFICIALS = 'The country recorded is China, where the course was held and whose officials it trained.';

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
  /** Why China is the country recorded; the four courses seeded first say only that it was held there. */
  countryNote?: string;
  /** Why no funder is recorded, where the general reason does not fit. */
  funderNote?: string;
  indicators: { key: string; title: string; unit: string; value: number; note: string }[];
}

const COURSES: CourseFacts[] = [
  {
    code: 'CN-IPRCC-2009-SCO-SEMINAR',
    title: "Seminar of Shanghai Cooperation Organization on the State's Pro-poor Policies and Practitioner Officials (2009)",
    item: 1,
    when: 'From May 21 to June 3',
    start: '2009-05-21',
    end: '2009-06-03',
    location: { province: 'Beijing and Heilongjiang' },
    sector: '11430',
    sectorNote: 'Advanced technical and managerial training: in-service training of officials.',
    organisations: [IPRCC],
    summary:
      'The "Seminar of Shanghai Cooperation Organization on the State\'s Pro-poor Policies and Practitioner Officials" "was ' +
      'held in Beijing and Heilongjiang. 15 people from Russia, Kyrghyzstan and Tajikistan attended the event."',
    countryNote: MANY_COUNTRIES,
    indicators: [
      { key: 'participants', title: 'People participating', unit: 'people', value: 15, note: '"15 people from Russia, Kyrghyzstan and Tajikistan"' },
      { key: 'countries', title: 'Countries represented', unit: 'countries', value: 3, note: '"from Russia, Kyrghyzstan and Tajikistan"' },
    ],
  },
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
  {
    code: 'CN-IPRCC-2009-DIRECTORS-SEMINAR',
    title:
      'Second Seminar on International Development (Poverty Reduction) Theory and Practice for the Directors of Nationwide Poverty Alleviation Offices (2009)',
    item: 6,
    when: 'On October 16',
    start: '2009-10-16',
    end: '2009-10-16',
    location: { province: 'Beijing' },
    sector: '11430',
    sectorNote: 'Advanced technical and managerial training: a seminar for the staff of poverty alleviation offices.',
    organisations: [IPRCC],
    summary:
      'The second seminar "was convened in Beijing. A total of 48 principles and backbone business staffs of poverty ' +
      'alleviation offices from 31 provinces attended the seminar. The experts from Argentina, Ethiopia and the World Bank ' +
      'respectively introduced the new experience in international poverty reduction and development." It was one day.',
    countryNote: CHINESE_OFFICIALS,
    funderNote:
      'The source counts this seminar apart from the six ministries\' courses ("and one seminar for the directors of domestic ' +
      'provincial poverty alleviation offices") and names no funder, so none is recorded.',
    indicators: [
      { key: 'participants', title: 'Staff of poverty alleviation offices participating', unit: 'people', value: 48, note: '"A total of 48 principles and backbone business staffs of poverty alleviation offices"' },
      { key: 'provinces', title: 'Provinces represented', unit: 'provinces', value: 31, note: '"from 31 provinces"' },
    ],
  },
  {
    code: 'CN-IPRCC-2009-CHILD-POVERTY-SEMINAR',
    title: 'Seminar on Child Poverty and Development (2009)',
    item: 7,
    when: 'From October 30 to November 1',
    start: '2009-10-30',
    end: '2009-11-01',
    // The source does not say where the seminar was held.
    location: {},
    sector: '11430',
    sectorNote: 'Advanced technical and managerial training: a seminar for the staff of poverty alleviation offices.',
    organisations: [IPRCC, UNICEF],
    summary:
      'IPRCC held the seminar "jointly with the United Nations Children\'s Fund. More than 40 people from 11 provincial ' +
      '(municipal, county) poverty alleviation offices and the foreign capital management centers of 7 provincial poverty ' +
      'alleviation offices attended the event." Experts from UNICEF, China Agricultural University, Beijing Normal ' +
      'University and the Chinese Centre for Disease Control and Prevention introduced experience in children intervention ' +
      'and the reasons for and solutions to child poverty. The source does not say where the seminar was held. It gives ' +
      '"more than 40" people, not a number: 40, the figure it supports, is recorded.',
    countryNote: CHINESE_OFFICIALS,
    indicators: [
      { key: 'participants', title: 'People participating', unit: 'people', value: 40, note: '"More than 40 people": more than 40, no exact number given, so 40, the figure the source supports, is recorded' },
      { key: 'offices', title: 'Poverty alleviation offices represented', unit: 'offices', value: 11, note: '"from 11 provincial (municipal, county) poverty alleviation offices"' },
      { key: 'foreign-capital-centres', title: 'Foreign capital management centres represented', unit: 'centres', value: 7, note: '"the foreign capital management centers of 7 provincial poverty alleviation offices"' },
    ],
  },
  {
    code: 'CN-IPRCC-2009-ACD-SEMINAR',
    title: 'Seminar on Theory and Practice of International Development (Poverty Reduction) for Asian Countries (2009)',
    item: 8,
    when: 'From November 5 to 10',
    start: '2009-11-05',
    end: '2009-11-10',
    // The source says Nanjing. A location has no city field: the city is recorded as the district, and its
    // province, Jiangsu (Nanjing is its capital), is added from outside the source.
    location: { district: 'Nanjing', province: 'Jiangsu' },
    sector: '11430',
    sectorNote: 'Advanced technical and managerial training: in-service training of officials.',
    organisations: [IPRCC],
    summary:
      'The seminar "was convened in Nanjing. It was the second foreign aid training course under the Asian Cooperation ' +
      'Dialogue (ACD). A total of 17 people from nine of the member countries of ACD attended the event." The source does ' +
      'not name the countries.',
    countryNote: MANY_COUNTRIES,
    indicators: [
      { key: 'participants', title: 'People participating', unit: 'people', value: 17, note: '"A total of 17 people"' },
      { key: 'countries', title: 'ACD member countries represented', unit: 'countries', value: 9, note: '"from nine of the member countries of ACD"' },
    ],
  },
  {
    code: 'CN-IPRCC-2009-DEVELOPMENT-POLICY-SEMINAR',
    title: 'Seminar on the Policy and Practice of Development-oriented Poverty Reduction (2009)',
    item: 9,
    when: 'From November 24 to December 14',
    start: '2009-11-24',
    end: '2009-12-14',
    location: { province: 'Beijing' },
    sector: '11430',
    sectorNote: 'Advanced technical and managerial training: in-service training of officials.',
    organisations: [IPRCC],
    summary:
      'The seminar "was convened in Beijing. A total of 32 people attended the event, including the department and ' +
      'division-level officials in the field of national and social development, poverty alleviation and employment from ' +
      '19 countries such as Bangladesh and Benin."',
    countryNote: MANY_COUNTRIES,
    indicators: [
      { key: 'participants', title: 'People participating', unit: 'people', value: 32, note: '"A total of 32 people attended the event"' },
      { key: 'countries', title: 'Countries represented', unit: 'countries', value: 19, note: '"from 19 countries such as Bangladesh and Benin"' },
    ],
  },
  {
    code: 'CN-IPRCC-2009-POST-DISASTER-WORKSHOP',
    title: 'Workshop on Post-disaster Reconstruction of Poverty-stricken Villages from the Perspective of Gender and Children (2009)',
    item: 10,
    when: 'From December 8 to 10',
    start: '2009-12-08',
    end: '2009-12-10',
    // The source says Chengdu. A location has no city field: the city is recorded as the district, and its
    // province, Sichuan (Chengdu is its capital), is added from outside the source.
    location: { district: 'Chengdu', province: 'Sichuan' },
    sector: '11430',
    sectorNote: 'Advanced technical and managerial training: a workshop for the staff of poverty alleviation offices.',
    organisations: [IPRCC, UNICEF],
    summary:
      'IPRCC held the workshop in Chengdu "jointly with the United Nations Children\'s Fund. Nearly 140 people were present ' +
      'at the seminar, including representatives from the poverty alleviation offices of eight cities (prefectures) and 39 ' +
      'affected and severely affected counties." Experts from UNICEF, the United Nations Centre for Regional Development ' +
      'and Right To Play lectured on the gender perspective in post-disaster reconstruction. "Nearly 140" is fewer than 140 ' +
      'by a number the source does not give, so no count of participants is recorded; the cities and counties are.',
    countryNote: CHINESE_OFFICIALS,
    indicators: [
      { key: 'cities', title: 'Cities (prefectures) whose poverty alleviation offices were represented', unit: 'cities', value: 8, note: '"the poverty alleviation offices of eight cities (prefectures)"' },
      { key: 'counties', title: 'Affected and severely affected counties represented', unit: 'counties', value: 39, note: '"39 affected and severely affected counties"' },
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
    course.countryNote ?? HOST_COUNTRY,
    course.funderNote ?? NO_FUNDER,
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

/** The ten courses' seeds, in the source's order, built afresh: the same values every time they are built. */
export function buildTrainingCourses2009(): SeedProject[] {
  return COURSES.map(buildCourse);
}

export const trainingCourses2009: readonly SeedProject[] = buildTrainingCourses2009();
