import type { ComponentKind, DefineIndicator, ProjectCommand } from '@app/domain';

import { seedId, stepOn, type SeedProject, type SeedStep } from '../seed-project.js';

/**
 * The China-Laos poverty reduction demonstration project in Bansuo village (Vientiane, Laos), recorded
 * from seed-docs/004_ce5a96a2e1a446d7.txt and from nothing else: every figure below is one the document
 * gives. Where the document is silent (days, reporting dates, targets) the choice made is said in the
 * command itself (a reason, an evidence note, a description).
 */

const CODE = 'CN-LA-BANSUO';
const SOURCE = 'seed-docs/004_ce5a96a2e1a446d7.txt';

/** "In September 2017 ... was launched": the source gives the month, not the day. */
const LAUNCHED = '2017-09-01';
/** The source dates none of the results it reports; one reporting date is used for all of them. */
const REPORTED = '2019-12-31';
const UNDATED =
  'reported in seed-doc 004; the source gives no date (2019-12-31 is used as the reporting date of every undated report in it)';

const id = (...parts: string[]): string => seedId(CODE, ...parts);

type ComponentKey =
  | 'bridge'
  | 'road'
  | 'sanitation'
  | 'cattle'
  | 'weaving'
  | 'corn'
  | 'breeding-training'
  | 'village-management';

const components: { key: ComponentKey; name: string; kind: ComponentKind; description: string }[] = [
  {
    key: 'bridge',
    name: 'New bridge',
    kind: 'infrastructure',
    description: 'A new bridge assisted by Guangxi, so that villagers can leave the village more easily (seed-doc 004).',
  },
  {
    key: 'road',
    name: 'Asphalt village road',
    kind: 'infrastructure',
    description: 'The mud road in the village turned into an asphalt road (seed-doc 004).',
  },
  {
    key: 'sanitation',
    name: 'Environmental sanitation',
    kind: 'public_services',
    description: 'Environmental sanitation in the village, which "continues to improve" (seed-doc 004).',
  },
  {
    key: 'cattle',
    name: 'Cattle-raising group',
    kind: 'industry',
    description:
      'Breeding cattle for demonstration households, with cattle pens, and a cattle-raising group (seed-doc 004).',
  },
  {
    key: 'weaving',
    name: 'Weaving group',
    kind: 'industry',
    description: 'A weaving group of villagers, weaving as a sideline for extra income (seed-doc 004).',
  },
  {
    key: 'corn',
    name: 'Corn production team',
    kind: 'industry',
    description: 'A corn production team set up by the villagers (seed-doc 004).',
  },
  {
    key: 'breeding-training',
    name: 'Training in breeding technology and disease prevention',
    kind: 'capacity_building',
    description:
      'Training for villagers in breeding technology, disease prevention and other aspects, given by the project ' +
      'team and cattle breeding technicians (seed-doc 004).',
  },
  {
    key: 'village-management',
    name: 'Village-level project management organisation',
    kind: 'capacity_building',
    description: 'A village-level project management organisation established by the project (seed-doc 004).',
  },
];

const milestones: { key: string; title: string; component: ComponentKey; evidence: string }[] = [
  {
    key: 'bridge-built',
    title: 'New bridge built',
    component: 'bridge',
    evidence: `${UNDATED}: "The new bridge has been built, and it is much more convenient for villagers to leave the village" (villager Kanzhan Buvinai).`,
  },
  {
    key: 'road-asphalted',
    title: 'Village road asphalted',
    component: 'road',
    evidence: `${UNDATED}: "Now, the mud road in the village has become asphalt road" (villager Kanzhan Buvinai).`,
  },
  {
    key: 'village-management-established',
    title: 'Village-level project management organisation established',
    component: 'village-management',
    evidence: `${UNDATED}: the China Aid Project "also established village-level project management organizations" (villager Kanzhan Bhuvinay).`,
  },
  {
    key: 'breeding-training-held',
    title: 'Training in breeding technology and disease prevention held',
    component: 'breeding-training',
    evidence:
      `${UNDATED}: the project team and cattle breeding technicians "carried out training for villagers in ` +
      'breeding technology, disease prevention and other aspects" (the source names the village Benceo in that passage).',
  },
  {
    key: 'cattle-distributed',
    title: '120 cattle distributed to demonstration households',
    component: 'cattle',
    evidence: `${UNDATED}: "a total of 120 breeds of cattle have been distributed" to 40 demonstration households (the relevant person in charge of the Poverty Alleviation Office of Guangxi Zhuang Autonomous Region).`,
  },
];

const NO_TARGET = 'target: the reported figure; the source gives no separate target';

const indicators: {
  key: string;
  title: string;
  unit: string;
  resultLevel: DefineIndicator['data']['resultLevel'];
  component: ComponentKey;
  reported: number;
  /** `per-group` for an average (income per weaver): a breakdown by sex gives each group's own average. */
  sexBreakdown?: DefineIndicator['data']['sexBreakdown'];
  description: string;
  note: string;
}[] = [
  {
    key: 'cattle-households',
    title: 'Demonstration households in the cattle-raising group',
    unit: 'households',
    resultLevel: 1,
    component: 'cattle',
    reported: 40,
    description: `Households assisted as cattle breeding demonstration households. ${NO_TARGET}.`,
    note: `${UNDATED}: "Guangxi has assisted 40 demonstration households of breeding cow breeding".`,
  },
  {
    key: 'cattle-distributed',
    title: 'Cattle distributed',
    unit: 'head of cattle',
    resultLevel: 1,
    component: 'cattle',
    reported: 120,
    description: `Breeding cattle distributed to the demonstration households. ${NO_TARGET}.`,
    note: `${UNDATED}: "a total of 120 breeds of cattle have been distributed".`,
  },
  {
    key: 'cows-in-calf',
    title: 'Cows in calf',
    unit: 'cows',
    resultLevel: 1,
    component: 'cattle',
    reported: 60,
    description: `Distributed cows pregnant with calves. ${NO_TARGET}.`,
    note: `${UNDATED}: "Among them, 60 kinds of she scalpers are pregnant with calves" (of the 120 cattle distributed).`,
  },
  {
    key: 'weaving-members',
    title: 'Weaving group members',
    unit: 'people',
    resultLevel: 1,
    component: 'weaving',
    reported: 20,
    description: `Villagers in the weaving group. ${NO_TARGET}.`,
    note: `${UNDATED}: the source says "a weaving group of more than 20 villagers"; recorded as 20, a lower bound. The source does not break the group down by sex.`,
  },
  {
    key: 'weaver-income',
    title: 'Additional income per weaver',
    unit: 'USD a year',
    resultLevel: 2,
    component: 'weaving',
    reported: 800,
    sexBreakdown: 'per-group',
    description: `Extra income a weaving group member earns from weaving as a sideline. ${NO_TARGET}.`,
    note: `${UNDATED}: the weaver Ni Campavonsha "increased her income by about 800$ a year" as a sideline; the figure is approximate and given for one member.`,
  },
  {
    key: 'profit-per-cow',
    title: 'Average profit per cow',
    unit: 'USD per cow',
    resultLevel: 2,
    component: 'cattle',
    reported: 480,
    sexBreakdown: 'per-group',
    description: `Average profit a cattle-raising group household makes on a cow; the source gives no period. ${NO_TARGET}.`,
    note: `${UNDATED}: for Wan Ping's household in the cattle-raising group "the average profit of a cow exceeded 480$"; recorded as 480, a lower bound.`,
  },
];

const DESCRIPTION = [
  "China's assistance to Laos: the China-Laos poverty reduction demonstration cooperation project in Bansuo village,",
  'Vientiane (Vientiane Capital), Laos, one of the East Asia poverty reduction demonstration sites that followed the',
  'East Asia Poverty Reduction Cooperation Initiative China proposed in 2014 at the 17th ASEAN Plus Three (10+3)',
  `Leaders' Meeting. Source: ${SOURCE} (seed-doc 004, YCPress, "China's targeted poverty alleviation experience helps`,
  'Southeast Asian countries reduce poverty"; undated). It reports: in September 2017 Guangxi\'s demonstration',
  "cooperation project on poverty alleviation for China's assistance to Laos was launched in Bansuo village and in",
  'Xianglong village (Prabang province, not part of this record), to improve local infrastructure and public services',
  'and carry out technical assistance; a new bridge assisted by Guangxi has been built; the mud road in the village has',
  'become an asphalt road; environmental sanitation continues to improve; villagers set up production teams for cattle,',
  'corn and weaving; Guangxi has assisted 40 demonstration households in cattle breeding and distributed 120 cattle, 60',
  'of them cows in calf; villagers were trained in breeding technology and disease prevention; the average profit of a',
  'cow in the cattle-raising group exceeded 480 USD; a weaving group of more than 20 villagers was formed, and one',
  'weaver earns about 800 USD a year more as a sideline; a village-level project management organisation was',
  'established. The source spells the village Bansuo, Bhansuo, Bandsuo and Laobansuo. It gives no budget, no funding',
  'organisation, no planned dates, no targets and no dates for the results it reports.',
].join(' ');

/** The Bansuo project's seed, built afresh: the same value every time it is built. */
export function buildBansuo(): SeedProject {
  const projectId = id('project');
  const steps: SeedStep[] = [];
  const on = (date: string, command: ProjectCommand): void => {
    steps.push(stepOn(date, command));
  };

  on(LAUNCHED, {
    type: 'ProposeProject',
    data: {
      projectId,
      code: CODE,
      title: 'China-Laos Poverty Reduction Demonstration Cooperation Project: Bansuo village, Vientiane',
      description: DESCRIPTION,
      country: 'LA',
      location: { village: 'Bansuo', province: 'Vientiane Capital' },
      // OECD DAC 43040 Rural development (multisector): infrastructure, services, income and capacity together.
      sector: '43040',
      participatingOrganisations: [
        { name: 'Poverty Alleviation Office of Guangxi Zhuang Autonomous Region', role: 3 },
        { name: 'China-Lao Joint Project Office', role: 4 },
      ],
    },
  });
  on(LAUNCHED, {
    type: 'ApproveProject',
    data: {
      date: LAUNCHED,
      reason:
        'The source gives no approval date; approval is recorded on the launch date, launched September 2017 (day not given in the source).',
    },
  });
  on(LAUNCHED, {
    type: 'StartProject',
    data: {
      date: LAUNCHED,
      reason:
        'launched September 2017 (day not given in the source): "In September 2017, Guangxi\'s demonstration cooperation ' +
        'project on poverty alleviation for China\'s assistance to Laos was launched in Bansuo Village" (seed-doc 004).',
    },
  });

  for (const component of components) {
    on(LAUNCHED, {
      type: 'AddComponent',
      data: {
        componentId: id('component', component.key),
        name: component.name,
        kind: component.kind,
        description: component.description,
      },
    });
  }

  for (const indicator of indicators) {
    on(LAUNCHED, {
      type: 'DefineIndicator',
      data: {
        indicatorId: id('indicator', indicator.key),
        title: indicator.title,
        unit: indicator.unit,
        measure: 1,
        resultLevel: indicator.resultLevel,
        baseline: { value: 0, date: LAUNCHED },
        target: { value: indicator.reported },
        componentId: id('component', indicator.component),
        description: indicator.description,
        ...(indicator.sexBreakdown ? { sexBreakdown: indicator.sexBreakdown } : {}),
      },
    });
  }

  for (const milestone of milestones) {
    on(LAUNCHED, {
      type: 'PlanMilestone',
      data: {
        milestoneId: id('milestone', milestone.key),
        title: milestone.title,
        dueDate: REPORTED,
        componentId: id('component', milestone.component),
        description: 'Due date: the reporting date 2019-12-31; the source gives no planned date.',
      },
    });
  }

  for (const milestone of milestones) {
    on(REPORTED, {
      type: 'ReachMilestone',
      data: { milestoneId: id('milestone', milestone.key), date: REPORTED, evidence: milestone.evidence },
    });
  }

  for (const indicator of indicators) {
    on(REPORTED, {
      type: 'RecordMeasurement',
      data: {
        indicatorId: id('indicator', indicator.key),
        measurementId: id('measurement', indicator.key, REPORTED),
        value: indicator.reported,
        date: REPORTED,
        note: indicator.note,
      },
    });
  }

  return { code: CODE, projectId, source: SOURCE, steps };
}

export const bansuo: SeedProject = buildBansuo();
