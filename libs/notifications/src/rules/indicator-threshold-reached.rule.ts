import { type Indicator, indicatorProgress, latestActual, type ProjectState } from '@app/domain';
import type { NotificationDraft } from '../notification.js';
import { entryOf, eventReference, projectFacts, projectName, projectOf, projectSource, type StoredProjectEvent } from './project-facts.js';

/** Shares of the way from baseline to target that are announced, each once per indicator. */
export const PROGRESS_THRESHOLDS = [0.25, 0.5, 0.75, 1] as const;

/** Tolerance for progress computed in floating point: 90 of 120 is 0.75, not 0.7499999. */
const EPSILON = 1e-9;

/** The thresholds announced so far, per indicator id. */
export type AnnouncedThresholds = Record<string, number[]>;

type ProgressEvent = Extract<StoredProjectEvent, { type: 'MeasurementRecorded' | 'MeasurementCorrected' | 'IndicatorTargetRevised' }>;

/**
 * The thresholds `progress` has reached that were not announced before, lowest first. Progress comes
 * from the domain (`indicatorProgress`), so it runs from baseline to target whichever way the target lies.
 */
export function thresholdsToAnnounce(progress: number | null, announced: readonly number[]): number[] {
  if (progress === null) return [];
  return PROGRESS_THRESHOLDS.filter((threshold) => progress >= threshold - EPSILON && !announced.includes(threshold));
}

/**
 * `indicator.threshold_reached`: one notification per threshold that an event moved the indicator's
 * progress across. A measurement, a correction or a revised target can move it; a threshold is announced
 * once, even if a correction later takes progress back below it and another measurement crosses it again.
 */
export function indicatorThresholdReached(
  event: ProgressEvent,
  after: ProjectState,
  announced: AnnouncedThresholds,
): { drafts: NotificationDraft[]; announced: AnnouncedThresholds } {
  const project = projectOf(after);
  const indicator = project && entryOf(project.indicators, event.data.indicatorId);
  if (!project || !indicator) return { drafts: [], announced };
  const progress = indicatorProgress(indicator);
  const already = entryOf(announced, indicator.id) ?? [];
  const reached = thresholdsToAnnounce(progress, already);
  if (reached.length === 0) return { drafts: [], announced };

  const facts = projectFacts(project);
  const actual = latestActual(indicator)!;
  const drafts = reached.map((threshold): NotificationDraft => {
    const percent = Math.round(threshold * 100);
    return {
      type: 'indicator.threshold_reached',
      dedupeKey: `indicator.threshold_reached:${indicator.id}:${percent}`,
      projectId: project.projectId,
      country: project.country,
      source: projectSource(project.projectId),
      subject: `indicators/${indicator.id}`,
      headline: `${projectName(facts)}: "${indicator.title}" reached ${percent}% of its target`,
      time: event.metadata.occurredAt,
      data: {
        project: facts,
        summary: `${projectName(facts)}: "${indicator.title}" reached ${percent}% of the way from baseline to target (${describeValues(indicator, actual.value)}).`,
        threshold,
        thresholdPercent: percent,
        indicator: {
          id: indicator.id,
          title: indicator.title,
          unit: indicator.unit,
          baseline: indicator.baseline,
          target: indicator.target,
          latestActual: { value: actual.value, date: actual.date },
          progress,
        },
        event: eventReference(event),
      },
    };
  });
  return { drafts, announced: { ...announced, [indicator.id]: [...already, ...reached] } };
}

function describeValues(indicator: Indicator, actual: number): string {
  return `${actual} ${indicator.unit}; baseline ${indicator.baseline.value}, target ${indicator.target.value}`;
}
