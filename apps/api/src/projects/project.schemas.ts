import {
  COMPONENT_KINDS,
  INDICATOR_MEASURES,
  ORGANISATION_ROLES,
  PROJECT_STATUSES,
  RESULT_LEVELS,
  SEX_BREAKDOWNS,
} from '@app/domain';
import {
  apiSchema,
  arrayOf,
  boolean,
  closed,
  date,
  dateTime,
  integer,
  nullable,
  number,
  oneOfValues,
  string,
  uuid,
} from '../common/openapi/api-schema.js';

/** What every write answers: the project's new version and the id of what it created, if anything. */
export const COMMAND_ANSWER = apiSchema(
  'CommandAnswer',
  closed(
    {
      version: integer('The project version after the command'),
      id: uuid('The new project (propose)'),
      componentId: uuid('The new component'),
      milestoneId: uuid('The new milestone'),
      indicatorId: uuid('The new indicator'),
      measurementId: uuid('The new measurement (record, correct)'),
    },
    ['id', 'componentId', 'milestoneId', 'indicatorId', 'measurementId'],
  ),
);

export const LOCATION = apiSchema(
  'Location',
  closed(
    { village: string(), district: string(), province: string(), latitude: number(), longitude: number() },
    ['village', 'district', 'province', 'latitude', 'longitude'],
    'Where the project is: a place named, a point (latitude and longitude together), both, or nothing (a study, courses)',
  ),
);

export const PARTICIPATING_ORGANISATION = apiSchema(
  'ParticipatingOrganisation',
  closed(
    {
      name: string(),
      role: oneOfValues(ORGANISATION_ROLES, 'IATI OrganisationRole: 1 funding, 2 accountable, 3 extending, 4 implementing'),
      ref: string('IATI organisation identifier'),
    },
    ['ref'],
  ),
);

/** A measurement's sex breakdown, as recorded (adds-up: with `unknown`; per-group: the parts given). */
export const SEX_DISAGGREGATION = apiSchema(
  'SexDisaggregation',
  closed({ female: number(), male: number(), unknown: number() }, ['female', 'male', 'unknown']),
);

const STATUS = oneOfValues(PROJECT_STATUSES);

const SUMMARY_MEMBERS = {
  id: uuid(),
  code: string(),
  title: string(),
  country: string('ISO 3166-1 alpha-2'),
  status: STATUS,
  sector: string('OECD DAC 5-digit purpose code'),
  version: integer('The version of the last event the read model holds (also the ETag of GET /projects/{projectId})'),
  plannedStart: nullable(date()),
  plannedEnd: nullable(date()),
  actualStart: nullable(date()),
  actualEnd: nullable(date()),
  updatedAt: dateTime(),
};

export const PROJECT_SUMMARY = apiSchema('ProjectSummary', closed(SUMMARY_MEMBERS));

export const PROJECT_LIST = apiSchema(
  'ProjectList',
  closed({
    items: arrayOf(PROJECT_SUMMARY),
    total: integer('Projects matching the filter, on every page'),
    nextAfter: nullable(string('The `after` of the next page: the last code of this one; null at the end')),
  }),
);

const DATED_VALUE = closed({ value: number(), date: nullable(date()) });

export const PROJECT_DETAIL = apiSchema(
  'ProjectDetail',
  closed({
    ...SUMMARY_MEMBERS,
    description: string(),
    location: LOCATION,
    participatingOrganisations: arrayOf(PARTICIPATING_ORGANISATION),
    lastReason: nullable(string('The reason given with the latest lifecycle change')),
    components: arrayOf(closed({ id: uuid(), name: string(), kind: oneOfValues(COMPONENT_KINDS), description: nullable(string()) })),
    milestones: arrayOf(
      closed({
        id: uuid(),
        title: string(),
        description: nullable(string()),
        componentId: nullable(uuid()),
        dueDate: date(),
        status: oneOfValues(['planned', 'reached', 'waived']),
        overdue: boolean('Planned, due before today (UTC), the project neither closed nor cancelled'),
        reachedOn: nullable(date()),
        evidence: nullable(string()),
        documentLinks: arrayOf(string()),
        waiveReason: nullable(string()),
        timesRescheduled: integer(),
      }),
    ),
    indicators: arrayOf(
      closed({
        id: uuid(),
        title: string(),
        description: nullable(string()),
        componentId: nullable(uuid()),
        unit: string(),
        measure: oneOfValues(INDICATOR_MEASURES, 'IATI IndicatorMeasure: 1 unit, 2 percentage, 3 nominal, 4 ordinal, 5 qualitative'),
        resultLevel: oneOfValues(RESULT_LEVELS, 'IATI ResultType: 1 output, 2 outcome, 3 impact'),
        baseline: DATED_VALUE,
        target: DATED_VALUE,
        sexBreakdown: nullable(
          oneOfValues(
            SEX_BREAKDOWNS,
            "How a measurement's sex parts relate to its value: adds-up (parts of it) or per-group (each the value for that group); null: the indicator takes no sex breakdown (a measure other than 1 defined without sexBreakdown)",
          ),
        ),
        latestActual: nullable(
          closed(
            { value: number(), date: date(), disaggregation: nullable(SEX_DISAGGREGATION) },
            [],
            'The standing measurement with the latest date (of two on one date, the one recorded later)',
          ),
        ),
        progress: nullable(number('Share of the way from baseline to target')),
        measurements: arrayOf(
          closed({
            id: uuid(),
            value: number(),
            date: date('The day the value is for (the last day of its period)'),
            periodStart: nullable(date()),
            disaggregation: nullable(SEX_DISAGGREGATION),
            note: nullable(string()),
            correctsMeasurementId: nullable(uuid()),
            correctionReason: nullable(string()),
            supersededBy: nullable(uuid('The correction that replaces this measurement')),
          }),
          'In the order they were recorded, corrections included',
        ),
      }),
    ),
  }),
);

export const MILESTONE_TIMELINE = apiSchema(
  'MilestoneTimeline',
  closed({
    projectId: uuid(),
    version: integer(),
    milestones: arrayOf(
      closed({
        milestoneId: uuid(),
        title: string(),
        componentId: nullable(uuid()),
        dueDate: date(),
        status: oneOfValues(['planned', 'reached', 'waived']),
        overdue: boolean(),
        reachedOn: nullable(date()),
        history: arrayOf(
          closed({
            kind: oneOfValues(['planned', 'rescheduled', 'reached', 'waived']),
            version: integer(),
            date: nullable(date()),
            dueDate: date(),
            previousDueDate: nullable(date()),
            note: nullable(string()),
            occurredAt: dateTime(),
          }),
        ),
      }),
    ),
    plannedDateRevisions: arrayOf(
      closed({
        version: integer(),
        plannedStart: nullable(date('After the revision')),
        plannedEnd: nullable(date('After the revision')),
        previousPlannedStart: nullable(date()),
        previousPlannedEnd: nullable(date()),
        reason: string(),
        occurredAt: dateTime(),
      }),
      "Each revision of the project's planned dates, in the order recorded",
    ),
  }),
);

const COUNTS_BY_STATUS = { type: 'object' as const, description: `Projects by status (${PROJECT_STATUSES.join(', ')})`, additionalProperties: integer() };

export const PORTFOLIO = apiSchema(
  'Portfolio',
  closed({
    asOf: date(),
    projects: closed({
      total: integer(),
      byStatus: COUNTS_BY_STATUS,
      byCountry: { type: 'object', description: 'By ISO 3166-1 alpha-2 country, then status', additionalProperties: COUNTS_BY_STATUS },
    }),
    milestones: closed({ planned: integer(), reached: integer(), waived: integer(), overdue: integer(), upcoming: integer() }),
    indicators: closed({ total: integer(), measured: integer(), onTrack: integer(), behind: integer(), targetReached: integer() }),
  }),
);
