import { defineEntity, p } from '@mikro-orm/core';
import type { ParticipatingOrganisation, ProjectLocation, SexDisaggregation } from '@app/domain';

/** One row per project: its identity, lifecycle and the version of the last event applied. */
export const ProjectView = defineEntity({
  name: 'ProjectView',
  tableName: 'project_views',
  properties: {
    id: p.uuid().primary(),
    code: p.text(),
    title: p.text(),
    description: p.text(),
    country: p.text(),
    status: p.text(),
    sector: p.text(),
    location: p.json<ProjectLocation>(),
    participatingOrganisations: p.json<ParticipatingOrganisation[]>(),
    plannedStart: p.date().nullable(),
    plannedEnd: p.date().nullable(),
    actualStart: p.date().nullable(),
    actualEnd: p.date().nullable(),
    lastReason: p.text().nullable(),
    version: p.integer(),
    proposedAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});

export const ComponentView = defineEntity({
  name: 'ComponentView',
  tableName: 'component_views',
  properties: {
    id: p.uuid().primary(),
    projectId: p.uuid(),
    name: p.text(),
    kind: p.text(),
    description: p.text().nullable(),
    position: p.integer(),
  },
});

export const MilestoneView = defineEntity({
  name: 'MilestoneView',
  tableName: 'milestone_views',
  properties: {
    id: p.uuid().primary(),
    projectId: p.uuid(),
    componentId: p.uuid().nullable(),
    title: p.text(),
    description: p.text().nullable(),
    dueDate: p.date(),
    status: p.text(),
    reachedOn: p.date().nullable(),
    evidence: p.text().nullable(),
    documentLinks: p.json<string[]>(),
    waiveReason: p.text().nullable(),
    timesRescheduled: p.integer(),
    position: p.integer(),
  },
});

export const IndicatorView = defineEntity({
  name: 'IndicatorView',
  tableName: 'indicator_views',
  properties: {
    id: p.uuid().primary(),
    projectId: p.uuid(),
    componentId: p.uuid().nullable(),
    title: p.text(),
    description: p.text().nullable(),
    unit: p.text(),
    measure: p.integer(),
    resultLevel: p.integer(),
    baselineValue: p.float().columnType('double precision'),
    baselineDate: p.date().nullable(),
    targetValue: p.float().columnType('double precision'),
    targetDate: p.date().nullable(),
    latestActual: p.float().columnType('double precision').nullable(),
    latestActualDate: p.date().nullable(),
    latestDisaggregation: p.json<SexDisaggregation>().nullable(),
    progress: p.float().columnType('double precision').nullable(),
    measurementCount: p.integer(),
    position: p.integer(),
    /** `adds-up` or `per-group` (SexBreakdown); null: the indicator takes no sex breakdown. */
    sexBreakdown: p.text().nullable(),
  },
});

export const MeasurementView = defineEntity({
  name: 'MeasurementView',
  tableName: 'measurement_views',
  properties: {
    id: p.uuid().primary(),
    projectId: p.uuid(),
    indicatorId: p.uuid(),
    value: p.float().columnType('double precision'),
    date: p.date(),
    periodStart: p.date().nullable(),
    disaggregation: p.json<SexDisaggregation>().nullable(),
    note: p.text().nullable(),
    correctsMeasurementId: p.uuid().nullable(),
    correctionReason: p.text().nullable(),
    supersededBy: p.uuid().nullable(),
    recordedVersion: p.integer(),
    /** Of the recording this measurement ultimately corrects (its own for a recording): ranks the latest actual. */
    originalVersion: p.integer(),
  },
});

/** One line per thing that happened to a milestone: planned, rescheduled, reached, waived. */
export const MilestoneTimelineView = defineEntity({
  name: 'MilestoneTimelineView',
  tableName: 'milestone_timeline_views',
  properties: {
    id: p.uuid().primary(),
    projectId: p.uuid(),
    milestoneId: p.uuid(),
    version: p.integer(),
    kind: p.text(),
    date: p.date().nullable(),
    dueDate: p.date(),
    previousDueDate: p.date().nullable(),
    note: p.text().nullable(),
    occurredAt: p.datetime(),
  },
});

/** One line per revision of a project's planned dates: the dates before and after, and why. */
export const PlannedDateRevisionView = defineEntity({
  name: 'PlannedDateRevisionView',
  tableName: 'planned_date_revision_views',
  properties: {
    id: p.uuid().primary(),
    projectId: p.uuid(),
    version: p.integer(),
    plannedStart: p.date().nullable(),
    plannedEnd: p.date().nullable(),
    previousPlannedStart: p.date().nullable(),
    previousPlannedEnd: p.date().nullable(),
    reason: p.text(),
    occurredAt: p.datetime(),
  },
});
