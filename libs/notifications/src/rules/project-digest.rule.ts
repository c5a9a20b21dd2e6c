import { NOTIFICATION_TYPES, type NotificationType } from '../notification-types.js';
import type { NotificationDraft, ProjectFacts } from '../notification.js';
import { projectName } from './project-facts.js';

/** A notification of the period, as the digest summarises it. */
export interface DigestEntry {
  type: NotificationType;
  headline: string;
  time: string;
  project: ProjectFacts;
}

/** Headlines listed per project; the counts cover every notification. */
export const HIGHLIGHTS_PER_PROJECT = 10;

/** Counts per notification type. */
export type DigestCounts = Partial<Record<NotificationType, number>>;

/**
 * Which headlines a project's digest keeps when it has more than fit, most telling first: a change of
 * status, a milestone reached, a share of a target reached, a milestone overdue or waived, then reschedules (a
 * milestone moved ten times in a week must not push the bridge reached out of the digest).
 */
const HIGHLIGHT_RANK: Record<Exclude<NotificationType, 'project.digest'>, number> = {
  'project.status_changed': 0,
  'milestone.reached': 1,
  'indicator.threshold_reached': 2,
  'milestone.overdue': 3,
  'milestone.waived': 4,
  'milestone.rescheduled': 5,
};

/** An entry and its place in the order the notifications were recorded. */
type Recorded = DigestEntry & { order: number };

/**
 * A project's highlights: the most telling kinds, the latest recorded of a kind first, listed latest
 * recorded first. Not by `time`: a lifecycle step dated in the past has its business date there, so a
 * start dated last month sorted before a proposal recorded this morning.
 */
function highlightsOf(entries: readonly Recorded[]): Recorded[] {
  const rank = (entry: DigestEntry) => HIGHLIGHT_RANK[entry.type as keyof typeof HIGHLIGHT_RANK] ?? NOTIFICATION_TYPES.length;
  return [...entries]
    .sort((a, b) => rank(a) - rank(b) || b.order - a.order)
    .slice(0, HIGHLIGHTS_PER_PROJECT)
    .sort((a, b) => b.order - a.order);
}

/**
 * `project.digest`: what happened in a subscription's projects over the period, grouped by project,
 * with counts per type and the latest headlines. One per subscription and period; nothing when nothing
 * happened, so a quiet week sends no mail.
 */
export function projectDigest(input: {
  subscriptionId: string;
  periodStart: string;
  periodEnd: string;
  /**
   * The period's notifications in the order they were recorded, or, of a busy one, only those that can
   * be highlights: of each project, the latest HIGHLIGHTS_PER_PROJECT of each type (the rest never
   * outrank them).
   */
  entries: readonly DigestEntry[];
  /** Counts per project id and type over the whole period, when `entries` are only some of it. */
  countsByProject?: ReadonlyMap<string, DigestCounts>;
}): NotificationDraft | null {
  const entries = input.entries.filter((entry) => entry.type !== 'project.digest').map((entry, order) => ({ ...entry, order }));
  if (entries.length === 0) return null;

  const byProject = new Map<string, { project: ProjectFacts; entries: Recorded[] }>();
  for (const entry of entries) {
    const group = byProject.get(entry.project.id) ?? { project: entry.project, entries: [] };
    // The latest recorded names the project as it is now (title, status).
    group.project = entry.project;
    group.entries.push(entry);
    byProject.set(entry.project.id, group);
  }
  const projects = [...byProject.values()]
    .sort((a, b) => a.project.title.localeCompare(b.project.title))
    .map(({ project, entries: own }) => ({
      project,
      counts: input.countsByProject?.get(project.id) ?? countByType(own),
      highlights: highlightsOf(own).map((entry) => ({ type: entry.type, time: entry.time, headline: entry.headline })),
    }));
  const periodEndDate = input.periodEnd.slice(0, 10);
  const counts = sumCounts(projects.map((project) => project.counts));
  const count = Object.values(counts).reduce((sum, n) => sum + (n ?? 0), 0);
  const projectCount = projects.length;
  const names = projects.slice(0, 3).map(({ project }) => projectName(project));
  return {
    type: 'project.digest',
    dedupeKey: `project.digest:${input.subscriptionId}:${input.periodEnd}`,
    projectId: null,
    country: null,
    source: `/subscriptions/${input.subscriptionId}`,
    subject: `digests/${periodEndDate}`,
    headline: `Digest ${input.periodStart.slice(0, 10)} to ${periodEndDate}: ${count} notification${count === 1 ? '' : 's'} in ${projectCount} project${projectCount === 1 ? '' : 's'}`,
    time: input.periodEnd,
    recipientSubscriptionId: input.subscriptionId,
    data: {
      summary: `${count} notification${count === 1 ? '' : 's'} from ${input.periodStart} to ${input.periodEnd} in ${names.join(', ')}${
        projectCount > names.length ? ` and ${projectCount - names.length} more` : ''
      }.`,
      periodStart: input.periodStart,
      periodEnd: input.periodEnd,
      counts,
      projects,
    },
  };
}

function sumCounts(all: readonly DigestCounts[]): DigestCounts {
  const counts: DigestCounts = {};
  for (const type of NOTIFICATION_TYPES) {
    const n = all.reduce((sum, one) => sum + (one[type] ?? 0), 0);
    if (n > 0) counts[type] = n;
  }
  return counts;
}

function countByType(entries: readonly DigestEntry[]): DigestCounts {
  const counts: DigestCounts = {};
  for (const type of NOTIFICATION_TYPES) {
    const n = entries.filter((entry) => entry.type === type).length;
    if (n > 0) counts[type] = n;
  }
  return counts;
}
