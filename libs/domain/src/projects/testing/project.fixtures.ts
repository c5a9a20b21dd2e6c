import type { ProjectCommand, ProjectCommandType, ProposeProject } from '../project.commands.js';
import type {
  ComponentAdded,
  IndicatorDefined,
  MeasurementRecorded,
  MilestonePlanned,
  ProjectApproved,
  ProjectCancelled,
  ProjectClosed,
  ProjectEvent,
  ProjectFinalised,
  ProjectProposed,
  ProjectResumed,
  ProjectStarted,
  ProjectSuspended,
} from '../project.events.js';
import type { DecisionContext } from '../project.decider.js';
import type { ProjectStatus } from '../project.values.js';

/**
 * Test fixtures as event lists, after the China-Laos poverty reduction demonstration project in Bansuo
 * village: a cattle-raising component, a milestone for the cattle handover, an indicator of cattle
 * distributed.
 */

export const PROJECT_ID = 'prj-bansuo';

/** The day specs decide on, unless they say otherwise: well after every date of the fixtures. */
export const DECIDED_ON: DecisionContext = { today: '2024-01-15', latestActualDate: '2024-01-16' };

export const proposeProject: ProposeProject = {
  type: 'ProposeProject',
  data: {
    projectId: PROJECT_ID,
    code: 'CN-LA-PRD-BANSUO',
    title: 'China-Laos poverty reduction demonstration: Bansuo village',
    description: 'Village infrastructure, public services, income generation and training in Bansuo.',
    country: 'LA',
    location: { village: 'Bansuo', district: 'Sangthong', province: 'Vientiane Capital' },
    sector: '43040',
    participatingOrganisations: [
      { name: 'International Poverty Reduction Center in China', role: 1 },
      { name: 'Vientiane Capital Rural Development and Poverty Eradication Office', role: 4 },
    ],
    plannedStart: '2017-01-01',
    plannedEnd: '2020-12-31',
  },
};

export const projectProposed: ProjectProposed = { type: 'ProjectProposed', data: { ...proposeProject.data } };
export const projectApproved: ProjectApproved = {
  type: 'ProjectApproved',
  data: { projectId: PROJECT_ID, date: '2017-03-01' },
};
export const projectStarted: ProjectStarted = {
  type: 'ProjectStarted',
  data: { projectId: PROJECT_ID, actualStart: '2017-06-01' },
};
export const projectSuspended: ProjectSuspended = {
  type: 'ProjectSuspended',
  data: { projectId: PROJECT_ID, date: '2018-07-20', reason: 'The access road was washed out by floods.' },
};
export const projectResumed: ProjectResumed = {
  type: 'ProjectResumed',
  data: { projectId: PROJECT_ID, date: '2018-09-01' },
};
export const projectFinalised: ProjectFinalised = {
  type: 'ProjectFinalised',
  data: { projectId: PROJECT_ID, actualEnd: '2020-06-30' },
};
export const projectClosed: ProjectClosed = {
  type: 'ProjectClosed',
  data: { projectId: PROJECT_ID, date: '2020-12-31' },
};
export const projectCancelled: ProjectCancelled = {
  type: 'ProjectCancelled',
  data: { projectId: PROJECT_ID, date: '2017-02-01', reason: 'Funding was withdrawn.' },
};

/** A history that leaves the project in each status. */
export const historyIn: Record<ProjectStatus, ProjectEvent[]> = {
  proposed: [projectProposed],
  approved: [projectProposed, projectApproved],
  implementation: [projectProposed, projectApproved, projectStarted],
  suspended: [projectProposed, projectApproved, projectStarted, projectSuspended],
  finalisation: [projectProposed, projectApproved, projectStarted, projectFinalised],
  closed: [projectProposed, projectApproved, projectStarted, projectFinalised, projectClosed],
  cancelled: [projectProposed, projectCancelled],
};

export const OPEN_STATUSES = ['proposed', 'approved', 'implementation', 'suspended', 'finalisation'] as const;
export const STARTED_STATUSES = ['implementation', 'suspended', 'finalisation'] as const;
export const FINAL_STATUSES = ['closed', 'cancelled'] as const;

export const cattleComponentAdded: ComponentAdded = {
  type: 'ComponentAdded',
  data: { projectId: PROJECT_ID, componentId: 'cmp-cattle', name: 'Cattle raising group', kind: 'industry' },
};
export const handoverPlanned: MilestonePlanned = {
  type: 'MilestonePlanned',
  data: {
    projectId: PROJECT_ID,
    milestoneId: 'ms-handover',
    title: 'Cattle handed over to the raising group',
    dueDate: '2018-03-31',
    componentId: 'cmp-cattle',
  },
};
export const cattleIndicatorDefined: IndicatorDefined = {
  type: 'IndicatorDefined',
  data: {
    projectId: PROJECT_ID,
    indicatorId: 'ind-cattle',
    title: 'Cattle distributed',
    unit: 'head',
    measure: 1,
    resultLevel: 1,
    baseline: { value: 0, date: '2017-01-01' },
    target: { value: 120, date: '2020-06-30' },
    componentId: 'cmp-cattle',
  },
};
export const householdsIndicatorDefined: IndicatorDefined = {
  type: 'IndicatorDefined',
  data: {
    projectId: PROJECT_ID,
    indicatorId: 'ind-households',
    title: 'Households in the cattle raising group',
    unit: 'households',
    measure: 1,
    resultLevel: 2,
    baseline: { value: 0 },
    target: { value: 40 },
  },
};
export const cattleMeasured: MeasurementRecorded = {
  type: 'MeasurementRecorded',
  data: {
    projectId: PROJECT_ID,
    indicatorId: 'ind-cattle',
    measurementId: 'msr-1',
    value: 60,
    date: '2018-03-31',
    periodStart: '2018-01-01',
  },
};

/** The project's content: one component, one milestone, two indicators. */
export const content: ProjectEvent[] = [
  cattleComponentAdded,
  handoverPlanned,
  cattleIndicatorDefined,
  householdsIndicatorDefined,
];

/** A history in `status` with the project's content, planned before the project started. */
export function historyWithContentIn(status: ProjectStatus): ProjectEvent[] {
  const [proposed, ...rest] = historyIn[status];
  return [proposed!, ...content, ...rest];
}

/** One valid-looking command of every type but ProposeProject, for refusals that do not depend on input. */
export const commandOfType: Record<Exclude<ProjectCommandType, 'ProposeProject'>, ProjectCommand> = {
  ApproveProject: { type: 'ApproveProject', data: { date: '2017-03-01' } },
  StartProject: { type: 'StartProject', data: { date: '2017-06-01' } },
  SuspendProject: { type: 'SuspendProject', data: { date: '2018-07-20', reason: 'Floods.' } },
  ResumeProject: { type: 'ResumeProject', data: { date: '2018-09-01' } },
  FinaliseProject: { type: 'FinaliseProject', data: { date: '2020-06-30' } },
  CloseProject: { type: 'CloseProject', data: { date: '2020-12-31' } },
  CancelProject: { type: 'CancelProject', data: { date: '2020-12-31', reason: 'Funding was withdrawn.' } },
  RevisePlannedDates: {
    type: 'RevisePlannedDates',
    data: { plannedEnd: '2021-06-30', reason: 'A no-cost extension of six months.' },
  },
  AddComponent: {
    type: 'AddComponent',
    data: { componentId: 'cmp-weaving', name: 'Weaving group', kind: 'industry' },
  },
  PlanMilestone: {
    type: 'PlanMilestone',
    data: { milestoneId: 'ms-looms', title: 'Looms delivered', dueDate: '2018-06-30' },
  },
  ReachMilestone: {
    type: 'ReachMilestone',
    data: { milestoneId: 'ms-handover', date: '2018-03-20', evidence: 'Handover record signed by the village head.' },
  },
  RescheduleMilestone: {
    type: 'RescheduleMilestone',
    data: { milestoneId: 'ms-handover', dueDate: '2018-05-31', reason: 'Cattle purchase delayed.' },
  },
  WaiveMilestone: { type: 'WaiveMilestone', data: { milestoneId: 'ms-handover', reason: 'Handled by the county.' } },
  DefineIndicator: {
    type: 'DefineIndicator',
    data: {
      indicatorId: 'ind-trained',
      title: 'People trained',
      unit: 'people',
      measure: 1,
      resultLevel: 1,
      baseline: { value: 0 },
      target: { value: 200 },
    },
  },
  ReviseIndicatorTarget: {
    type: 'ReviseIndicatorTarget',
    data: { indicatorId: 'ind-cattle', target: { value: 150 }, reason: 'Extra funding for cattle.' },
  },
  RecordMeasurement: {
    type: 'RecordMeasurement',
    data: { indicatorId: 'ind-cattle', measurementId: 'msr-9', value: 20, date: '2018-04-30' },
  },
  CorrectMeasurement: {
    type: 'CorrectMeasurement',
    data: {
      indicatorId: 'ind-cattle',
      measurementId: 'msr-9',
      correctsMeasurementId: 'msr-1',
      value: 58,
      reason: 'Two heads were counted twice.',
    },
  },
};

export const LIFECYCLE_COMMAND_TYPES = [
  'ApproveProject',
  'StartProject',
  'SuspendProject',
  'ResumeProject',
  'FinaliseProject',
  'CloseProject',
  'CancelProject',
] as const;

/** Every command type that is not a lifecycle change: final projects refuse them all. */
export const CONTENT_COMMAND_TYPES = [
  'RevisePlannedDates',
  'AddComponent',
  'PlanMilestone',
  'ReachMilestone',
  'RescheduleMilestone',
  'WaiveMilestone',
  'DefineIndicator',
  'ReviseIndicatorTarget',
  'RecordMeasurement',
  'CorrectMeasurement',
] as const satisfies readonly Exclude<ProjectCommandType, (typeof LIFECYCLE_COMMAND_TYPES)[number]>[];
