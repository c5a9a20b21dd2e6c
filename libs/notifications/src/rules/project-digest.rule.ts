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
const HIGHLIGHTS_PER_PROJECT = 10;

/**
 * `project.digest`: what happened in a subscription's projects over the period, grouped by project,
 * with counts per type and the latest headlines. One per subscription and period; nothing when nothing
 * happened, so a quiet week sends no mail.
 */
export function projectDigest(input: {
  subscriptionId: string;
  periodStart: string;
  periodEnd: string;
  entries: readonly DigestEntry[];
}): NotificationDraft | null {
  const entries = input.entries.filter((entry) => entry.type !== 'project.digest');
  if (entries.length === 0) return null;

  const byProject = new Map<string, { project: ProjectFacts; entries: DigestEntry[] }>();
  for (const entry of entries) {
    const group = byProject.get(entry.project.id) ?? { project: entry.project, entries: [] };
    // The latest entry names the project as it is now (title, status).
    if (entry.time >= (group.entries.at(-1)?.time ?? '')) group.project = entry.project;
    group.entries.push(entry);
    byProject.set(entry.project.id, group);
  }
  const projects = [...byProject.values()]
    .sort((a, b) => a.project.title.localeCompare(b.project.title))
    .map(({ project, entries: own }) => ({
      project,
      counts: countByType(own),
      highlights: [...own]
        .sort((a, b) => b.time.localeCompare(a.time))
        .slice(0, HIGHLIGHTS_PER_PROJECT)
        .map((entry) => ({ type: entry.type, time: entry.time, headline: entry.headline })),
    }));
  const periodEndDate = input.periodEnd.slice(0, 10);
  const count = entries.length;
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
      counts: countByType(entries),
      projects,
    },
  };
}

function countByType(entries: readonly DigestEntry[]): Partial<Record<NotificationType, number>> {
  const counts: Partial<Record<NotificationType, number>> = {};
  for (const type of NOTIFICATION_TYPES) {
    const n = entries.filter((entry) => entry.type === type).length;
    if (n > 0) counts[type] = n;
  }
  return counts;
}
