import { cloudEventType } from '../notification-types.js';
import type { StoredNotification } from '../notification.js';

export interface EmailMessage {
  subject: string;
  text: string;
  html: string;
}

type Details = [label: string, value: string][];

/**
 * The e-mail of a notification: a subject naming the project and what happened, the facts as a short
 * list, and where it came from, in plain text and HTML.
 */
export function renderEmail(notification: StoredNotification, subscriptionId: string): EmailMessage {
  const subject = `[Project Tracker] ${notification.headline}`;
  const details = detailsOf(notification);
  const sections = notification.type === 'project.digest' ? digestSections(notification) : [];
  const footer = [
    `Notification ${notification.id} (${cloudEventType(notification.type)}), ${notification.time}.`,
    notification.data.event
      ? `Recorded as event ${notification.data.event.id}, position ${notification.data.event.position} of the global feed.`
      : undefined,
    `You receive this because of subscription ${subscriptionId}; DELETE /subscriptions/${subscriptionId} ends it.`,
  ].filter((line): line is string => line !== undefined);

  const text = [
    notification.data.summary,
    '',
    ...details.map(([label, value]) => `${label}: ${value}`),
    ...sections.flatMap((section) => ['', section.title, ...section.lines.map((line) => `  - ${line}`)]),
    '',
    '--',
    ...footer,
    '',
  ].join('\n');

  const html = [
    '<!doctype html><html><body style="font-family: sans-serif; line-height: 1.4">',
    `<p>${escapeHtml(notification.data.summary)}</p>`,
    details.length > 0
      ? `<table>${details.map(([label, value]) => `<tr><th align="left" style="padding-right: 1em">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`).join('')}</table>`
      : '',
    ...sections.map(
      (section) => `<h3>${escapeHtml(section.title)}</h3><ul>${section.lines.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>`,
    ),
    `<hr><p style="color: #666; font-size: smaller">${footer.map(escapeHtml).join('<br>')}</p>`,
    '</body></html>',
  ].join('\n');

  return { subject, text, html };
}

function detailsOf(notification: StoredNotification): Details {
  const data = notification.data as Record<string, any>;
  const project: Details = data.project
    ? [['Project', `${data.project.title} (${data.project.code}), ${data.project.country}, ${data.project.status}`]]
    : [];
  switch (notification.type) {
    case 'project.status_changed':
      return [
        ...project,
        ['From', data.from ?? '(new project)'],
        ['To', data.to],
        ...optional('Date', data.date),
        ...optional('Reason', data.reason),
      ];
    case 'milestone.reached':
      return [
        ...project,
        ['Milestone', data.milestone.title],
        ['Due', data.milestone.dueDate],
        ['Reached on', data.milestone.reachedOn + (data.milestone.late ? ' (late)' : '')],
        ['Evidence', data.milestone.evidence],
        ...optional('Documents', (data.milestone.documentLinks as string[]).join(', ')),
      ];
    case 'milestone.rescheduled':
      return [
        ...project,
        ['Milestone', data.milestone.title],
        ['Was due', data.milestone.previousDueDate],
        ['Now due', data.milestone.dueDate],
        ['Reason', data.milestone.reason],
      ];
    case 'milestone.overdue':
      return [
        ...project,
        ['Milestone', data.milestone.title],
        ['Due', data.milestone.dueDate],
        ['Days overdue', String(data.milestone.daysOverdue)],
      ];
    case 'indicator.threshold_reached':
      return [
        ...project,
        ['Indicator', data.indicator.title],
        ['Threshold', `${data.thresholdPercent}% of the way from baseline to target`],
        ['Latest actual', `${data.indicator.latestActual.value} ${data.indicator.unit} (${data.indicator.latestActual.date})`],
        ['Baseline', `${data.indicator.baseline.value} ${data.indicator.unit}`],
        ['Target', `${data.indicator.target.value} ${data.indicator.unit}`],
      ];
    case 'project.digest':
      return [['Period', `${data.periodStart} to ${data.periodEnd}`]];
    default: {
      const unhandled: never = notification.type;
      throw new Error(`Unhandled notification type ${String(unhandled)}`);
    }
  }
}

function digestSections(notification: StoredNotification): { title: string; lines: string[] }[] {
  const projects = (notification.data as Record<string, any>).projects as {
    project: { title: string; code: string; status: string };
    highlights: { headline: string; time: string }[];
  }[];
  return projects.map(({ project, highlights }) => ({
    title: `${project.title} (${project.code}), ${project.status}`,
    lines: highlights.map((highlight) => `${highlight.time.slice(0, 10)}: ${highlight.headline}`),
  }));
}

function optional(label: string, value: unknown): Details {
  return value === null || value === undefined || value === '' ? [] : [[label, String(value)]];
}

export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}
