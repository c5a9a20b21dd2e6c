import type { SchemaObject } from '@nestjs/swagger';
import { COMPONENT_KINDS, INDICATOR_MEASURES, PROJECT_EVENT_TYPES, PROJECT_STATUSES, RESULT_LEVELS, SEX_BREAKDOWNS } from '@app/domain';
import {
  apiSchema,
  arrayOf,
  closed,
  date,
  dateTime,
  integer,
  nullable,
  number,
  oneOfValues,
  openObject,
  sha256,
  string,
  uuid,
} from '../common/openapi/api-schema.js';
import { LOCATION, PARTICIPATING_ORGANISATION, SEX_DISAGGREGATION } from '../projects/project.schemas.js';

const HASH = sha256('SHA-256, hex');
const EVENT_TYPE = oneOfValues(PROJECT_EVENT_TYPES);

export const STORED_EVENT = apiSchema(
  'StoredEvent',
  closed({
    position: integer('Global position (the `after` of GET /events)'),
    transactionId: string('The writing transaction (xid8, as text)'),
    streamId: uuid('The project'),
    version: integer('Version of the project this event brought it to'),
    type: EVENT_TYPE,
    schemaVersion: integer(),
    data: openObject("The event's data, as its type and schema version shape it"),
    metadata: closed(
      {
        eventId: uuid(),
        actor: closed({ keyId: string('The API key that ran the command'), role: string() }),
        commandType: string(),
        idempotencyKey: string(),
        correlationId: string(),
        causationId: string(),
        occurredAt: dateTime('When it happened (the business date, for events that record one)'),
        recordedAt: dateTime('When it was stored'),
      },
      ['idempotencyKey', 'causationId'],
    ),
    previousHash: HASH,
    hash: HASH,
  }),
);

export const PROJECT_EVENTS = apiSchema(
  'ProjectEventsPage',
  closed({
    projectId: uuid(),
    version: integer('The current version of the project'),
    items: arrayOf(STORED_EVENT),
    nextFromVersion: nullable(integer('The `fromVersion` of the next page; null at the end')),
  }),
);

export const EVENT_FEED = apiSchema(
  'EventFeedPage',
  closed({
    items: arrayOf(STORED_EVENT),
    next: integer('The `after` of the next page'),
    count: integer(),
  }),
);

const DATED_VALUE = closed({ value: number(), date: date() }, ['date']);

/** A project as its events leave it (the domain's Project state). */
export const PROJECT_STATE = apiSchema(
  'ProjectState',
  closed(
    {
      status: oneOfValues(PROJECT_STATUSES),
      projectId: uuid(),
      code: string(),
      title: string(),
      description: string(),
      country: string(),
      location: LOCATION,
      sector: string(),
      participatingOrganisations: arrayOf(PARTICIPATING_ORGANISATION),
      plannedStart: date(),
      plannedEnd: date(),
      plannedDatesReason: string('Why the planned dates are what they are: the reason of their latest revision'),
      lastReason: string(),
      statusSince: date('The date of the lifecycle step that brought the project to its status'),
      approvedOn: date(),
      actualStart: date(),
      actualEnd: date(),
      closedOn: date(),
      cancelledOn: date(),
      components: byId(closed({ id: uuid(), name: string(), kind: oneOfValues(COMPONENT_KINDS), description: string() }, ['description'])),
      milestones: byId(
        closed(
          {
            id: uuid(),
            title: string(),
            description: string(),
            componentId: uuid(),
            dueDate: date(),
            status: oneOfValues(['planned', 'reached', 'waived']),
            reachedOn: date(),
            evidence: string(),
            documentLinks: arrayOf(string()),
            waiveReason: string(),
            timesRescheduled: integer(),
          },
          ['description', 'componentId', 'reachedOn', 'evidence', 'waiveReason'],
        ),
      ),
      indicators: byId(
        closed(
          {
            id: uuid(),
            title: string(),
            description: string(),
            unit: string(),
            measure: oneOfValues(INDICATOR_MEASURES),
            resultLevel: oneOfValues(RESULT_LEVELS),
            baseline: DATED_VALUE,
            target: DATED_VALUE,
            componentId: uuid(),
            sexBreakdown: oneOfValues(SEX_BREAKDOWNS, 'Absent: adds-up on a count (measure 1); no sex breakdown on any other measure'),
            measurements: arrayOf(
              closed(
                {
                  measurementId: uuid(),
                  value: number(),
                  date: date(),
                  periodStart: date(),
                  disaggregation: SEX_DISAGGREGATION,
                  note: string(),
                  correctsMeasurementId: uuid(),
                  reason: string(),
                  supersededBy: uuid(),
                },
                ['periodStart', 'disaggregation', 'note', 'correctsMeasurementId', 'reason', 'supersededBy'],
              ),
            ),
          },
          ['description', 'componentId', 'sexBreakdown'],
        ),
      ),
    },
    ['plannedStart', 'plannedEnd', 'plannedDatesReason', 'lastReason', 'statusSince', 'approvedOn', 'actualStart', 'actualEnd', 'closedOn', 'cancelledOn'],
    'Lifecycle dates are there once reached: approvedOn from approval, actualStart from the start, actualEnd from finalisation, closedOn, cancelledOn',
  ),
);

function byId(value: SchemaObject): SchemaObject {
  return { type: 'object', description: 'By id', additionalProperties: value };
}

export const PROJECT_STATE_AT = apiSchema(
  'ProjectStateAt',
  closed({
    projectId: uuid(),
    asOf: closed(
      {
        basis: oneOfValues(['current', 'version', 'recorded', 'occurred']),
        version: integer('The version this state is at'),
        currentVersion: integer(),
        at: dateTime('The instant asked for (a date alone: the end of that day, UTC)'),
        recordedAt: dateTime('When the last event folded was recorded'),
        occurredAt: dateTime('When the last event folded occurred (the latest business date, with basis occurred)'),
        eventsFolded: integer('With basis occurred: how many events occurred by then'),
      },
      ['at', 'eventsFolded'],
    ),
    state: PROJECT_STATE,
  }),
);

const DIFF_POINT = closed(
  {
    version: integer('0: before the project existed; with basis=occurred, the last version folded'),
    recordedAt: dateTime(),
    occurredAt: dateTime(),
    at: dateTime('With basis=occurred: the business date asked for, as an instant'),
    eventsFolded: integer('With basis=occurred: the events that had happened by then (later versions count when their business date is)'),
  },
  ['recordedAt', 'occurredAt', 'at', 'eventsFolded'],
);
const PLANNED_DATES = closed({ plannedStart: nullable(date()), plannedEnd: nullable(date()) });
const STATE_STATUS = oneOfValues(['none', ...PROJECT_STATUSES]);
const change = (type: string, members: Record<string, SchemaObject>, optional: string[] = []) =>
  closed({ type: oneOfValues([type]), summary: string('The change in words'), ...members }, optional);

export const PROJECT_CHANGE = apiSchema('ProjectChange', {
  description: 'One thing that changed, in the project\'s own terms; `type` says which',
  oneOf: [
    change('ProjectProposed', { code: string(), title: string() }),
    change('StatusChanged', { from: STATE_STATUS, to: STATE_STATUS, date: date('The date of the step'), reason: string() }, ['date', 'reason']),
    change('DateRecorded', { field: oneOfValues(['approvedOn', 'actualStart', 'actualEnd', 'closedOn', 'cancelledOn']), date: date() }),
    change('PlannedDatesRevised', { from: PLANNED_DATES, to: PLANNED_DATES, reason: string() }, ['reason']),
    change('ComponentAdded', { componentId: uuid(), name: string(), kind: string() }),
    change('MilestonePlanned', { milestoneId: uuid(), title: string(), dueDate: date() }),
    change('MilestoneRescheduled', { milestoneId: uuid(), title: string(), from: date(), to: date() }),
    change('MilestoneReached', { milestoneId: uuid(), title: string(), reachedOn: date() }),
    change('MilestoneWaived', { milestoneId: uuid(), title: string(), reason: string() }, ['reason']),
    change('IndicatorDefined', { indicatorId: uuid(), title: string(), baseline: DATED_VALUE, target: DATED_VALUE }),
    change('IndicatorTargetRevised', { indicatorId: uuid(), title: string(), from: DATED_VALUE, to: DATED_VALUE }),
    change('MeasurementRecorded', { indicatorId: uuid(), indicator: string(), measurementId: uuid(), value: number(), date: date() }),
    change(
      'MeasurementCorrected',
      { indicatorId: uuid(), indicator: string(), measurementId: uuid(), correctsMeasurementId: uuid(), from: nullable(number()), to: number(), reason: string() },
      ['reason'],
    ),
    change('LatestActualChanged', {
      indicatorId: uuid(),
      indicator: string(),
      from: nullable(closed({ value: number(), date: date() })),
      to: nullable(closed({ value: number(), date: date() })),
    }),
  ],
});

export const PROJECT_DIFF = apiSchema(
  'ProjectDiff',
  closed({
    projectId: uuid(),
    currentVersion: integer(),
    basis: oneOfValues(['occurred']),
    from: DIFF_POINT,
    to: DIFF_POINT,
    events: integer('Events between the two points'),
    changes: arrayOf(PROJECT_CHANGE),
  }, ['basis']),
);

export const STREAM_VERIFICATION = apiSchema('StreamVerification', {
  description: 'The verdict on the project\'s hash chain',
  oneOf: [
    closed({
      valid: oneOfValues([true]),
      projectId: uuid(),
      events: integer('Events verified'),
      head: nullable(closed({ version: integer(), position: integer(), hash: HASH })),
    }),
    closed({
      valid: oneOfValues([false]),
      projectId: uuid(),
      events: integer('Events verified before the break'),
      brokenAt: closed({ version: integer(), position: integer(), eventId: uuid() }),
      code: oneOfValues(['VERSION_GAP', 'PREVIOUS_HASH_MISMATCH', 'HASH_MISMATCH', 'COLUMN_MISMATCH', 'HEAD_MISMATCH']),
      reason: string(),
    }),
  ],
});

export const CHECKPOINT = apiSchema(
  'AuditCheckpoint',
  closed({
    id: integer(),
    upTo: closed({ transactionId: string(), position: integer('The last event covered (the `after` of GET /events)') }),
    events: integer('Events covered since the previous checkpoint'),
    totalEvents: integer(),
    previousHash: HASH,
    hash: HASH,
    createdAt: dateTime(),
  }),
);

export const CHECKPOINT_LIST = apiSchema(
  'AuditCheckpointList',
  closed({ items: arrayOf(CHECKPOINT), latest: nullable(CHECKPOINT), next: integer('The `afterId` of the next page') }),
);

export const CHECKPOINT_VERIFICATION = apiSchema('AuditCheckpointVerification', {
  oneOf: [
    closed({ valid: oneOfValues([true]), checkpoints: integer(), events: integer(), head: nullable(CHECKPOINT) }),
    closed({
      valid: oneOfValues([false]),
      checkpoints: integer(),
      events: integer(),
      brokenAt: nullable(closed({ checkpointId: integer(), expectedHash: HASH, computedHash: HASH })),
      tamperedEvent: nullable(closed({ streamId: uuid(), version: integer(), position: integer() })),
      reason: string(),
    }),
  ],
});

export const ACCESS_LOG = apiSchema(
  'AccessLogPage',
  closed({
    items: arrayOf(
      closed(
        {
          id: integer(),
          at: dateTime(),
          keyId: nullable(uuid()),
          keyName: nullable(string()),
          role: string(),
          action: string('What was read: project.events, project.export.ndjson, project.audit, iati.country...'),
          projectId: nullable(uuid()),
          request: string('Method and URL, query included'),
          status: integer(),
          outcome: openObject('What the reader was told, where it matters (a verification\'s verdict)'),
        },
        ['outcome'],
      ),
    ),
    next: integer('The `afterId` of the next page'),
  }),
);
