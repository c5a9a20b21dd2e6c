import type { ProjectState } from '@app/domain';
import type { NotificationDraft } from '../notification.js';
import { type AnnouncedThresholds, indicatorThresholdReached } from './indicator-threshold-reached.rule.js';
import { milestoneReached } from './milestone-reached.rule.js';
import { milestoneRescheduled } from './milestone-rescheduled.rule.js';
import { milestoneWaived } from './milestone-waived.rule.js';
import type { StoredProjectEvent } from './project-facts.js';
import { projectStatusChanged } from './project-status-changed.rule.js';

/** What the notifier keeps per project between events, besides the project state itself. */
export interface RuleMemory {
  announcedThresholds: AnnouncedThresholds;
}

export interface RuleOutcome {
  drafts: NotificationDraft[];
  memory: RuleMemory;
}

/**
 * Which stored event means which notification. Pure: the project state before and after the event (the
 * domain's `evolve`) and what was announced before decide it. Overdue milestones and digests are not
 * here: nothing is recorded when a date passes or a week ends; scheduled scans decide those.
 */
export function notificationsFor(
  event: StoredProjectEvent,
  before: ProjectState,
  after: ProjectState,
  memory: RuleMemory,
): RuleOutcome {
  const only = (drafts: NotificationDraft[]): RuleOutcome => ({ drafts, memory });
  switch (event.type) {
    case 'ProjectProposed':
    case 'ProjectApproved':
    case 'ProjectStarted':
    case 'ProjectSuspended':
    case 'ProjectResumed':
    case 'ProjectFinalised':
    case 'ProjectClosed':
    case 'ProjectCancelled':
      return only(projectStatusChanged(event, before, after));
    case 'MilestoneReached':
      return only(milestoneReached(event, before, after));
    case 'MilestoneRescheduled':
      return only(milestoneRescheduled(event, after));
    case 'MilestoneWaived':
      return only(milestoneWaived(event, before, after));
    case 'MeasurementRecorded':
    case 'MeasurementCorrected':
    case 'IndicatorTargetRevised': {
      const { drafts, announced } = indicatorThresholdReached(event, after, memory.announcedThresholds);
      return { drafts, memory: { ...memory, announcedThresholds: announced } };
    }
    // A revised plan is not a status change: managers read it on the project and its timeline.
    case 'PlannedDatesRevised':
    case 'ComponentAdded':
    case 'MilestonePlanned':
    case 'IndicatorDefined':
      return only([]);
    default: {
      const unhandled: never = event;
      throw new Error(`Unhandled project event ${(unhandled as { type: string }).type}`);
    }
  }
}
