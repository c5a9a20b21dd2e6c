import {
  ComponentView,
  IndicatorView,
  MeasurementView,
  MilestoneTimelineView,
  MilestoneView,
  PlannedDateRevisionView,
  ProjectView,
} from './project-detail/project-detail.entities.js';

export * from './project-detail/project-detail.entities.js';
export * from './project-detail/project-detail.reader.js';
export * from './project-detail/project-detail.sync.js';
export * from './lagging-projects.js';

/** Every read-model entity, for the ORM's explicit registration list. */
export const READ_MODEL_ENTITIES = [ProjectView, ComponentView, MilestoneView, IndicatorView, MeasurementView, MilestoneTimelineView, PlannedDateRevisionView];
export * from './project-detail/project-detail.rows.js';
export * from './rebuild/project-views.rebuild.js';
export * from './projection-queue.js';
export * from './portfolio/portfolio.reader.js';
export * from './project-detail/project-timeline.reader.js';
export * from './view-updates.js';
