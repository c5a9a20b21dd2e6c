import { cloudEventType } from '../notification-types.js';
import type { StoredNotification } from '../notification.js';

export interface EmailMessage {
  subject: string;
  text: string;
  html: string;
}

/** A value of the facts list; with `links`, the web addresses it shows are links in the HTML part. */
type Details = [label: string, value: string, links?: readonly string[]][];

/**
 * The e-mail of a notification: a subject naming the project and what happened, the facts as a short
 * list (with a link to the project in the dashboard when the deployment's `publicUrl` is known), and,
 * in plain words, why it came and how to stop it (with `unsubscribeUrl`, the link that lets its recipient stop it),
 * in plain text and HTML.
 */
export function renderEmail(notification: StoredNotification, subscriptionId: string, publicUrl?: string, unsubscribeUrl?: string): EmailMessage {
  const subject = `[Project Tracker] ${notification.headline}`;
  const details = detailsOf(notification, publicUrl);
  const sections = notification.type === 'project.digest' ? digestSections(notification, publicUrl) : [];
  const footer = [
    `You receive this e-mail because of the Project Tracker subscription ${subscriptionId}.` +
      (unsubscribeUrl ? ` To stop these e-mails, open ${unsubscribeUrl} and confirm; its owner will see that you did.` : '') +
      ` Its owner stops it by deleting it (DELETE /subscriptions/${subscriptionId} with the API key that made it), or asks an administrator to.`,
    `Reference for support: notification ${notification.id} (${cloudEventType(notification.type)}), ${notification.time}` +
      (notification.data.event ? `; event ${notification.data.event.id}, position ${notification.data.event.position} of the feed.` : '.'),
  ];

  const text = [
    notification.data.summary,
    '',
    ...details.map(([label, value]) => `${label}: ${value}`),
    ...sections.flatMap((section) => ['', section.title, ...(section.link ? [`  ${section.link}`] : []), ...section.lines.map((line) => `  - ${line}`)]),
    '',
    '--',
    ...footer,
    '',
  ].join('\n');

  const html = [
    '<!doctype html><html><body style="font-family: sans-serif; line-height: 1.4">',
    `<p>${escapeHtml(notification.data.summary)}</p>`,
    details.length > 0
      ? `<table>${details.map(([label, value, links]) => `<tr><th align="left" style="padding-right: 1em">${escapeHtml(label)}</th><td>${htmlWithLinks(value, links)}</td></tr>`).join('')}</table>`
      : '',
    ...sections.map(
      (section) =>
        `<h3>${section.link ? `<a href="${escapeHtml(section.link)}">${escapeHtml(section.title)}</a>` : escapeHtml(section.title)}</h3>` +
        `<ul>${section.lines.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>`,
    ),
    `<hr><p style="color: #666; font-size: smaller">${footer.map((line) => htmlWithLinks(line, unsubscribeUrl ? [unsubscribeUrl] : undefined)).join('<br>')}</p>`,
    '</body></html>',
  ].join('\n');

  return { subject, text, html };
}

/** Where a project is shown to people: the dashboard, opened on it. */
function projectLink(publicUrl: string | undefined, projectId: string | undefined): string | undefined {
  return publicUrl && projectId ? `${publicUrl}/dashboard#project=${projectId}` : undefined;
}

const COUNTRY_NAMES = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });

/** A country as people read it, with its code: "Laos (LA)". */
export function countryName(code: string): string {
  const name = COUNTRY_NAMES.of(code);
  return name && name !== code ? `${name} (${code})` : code;
}

function detailsOf(notification: StoredNotification, publicUrl?: string): Details {
  const data = notification.data as Record<string, any>;
  const link = projectLink(publicUrl, data.project?.id);
  const project: Details = data.project
    ? [
        ['Project', `${data.project.title} (${data.project.code}), ${countryName(data.project.country)}, ${data.project.status}`],
        ...(link ? ([['Open', link, [link]]] as Details) : []),
      ]
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
        ...optional('Documents', (data.milestone.documentLinks as string[]).join(', '), data.milestone.documentLinks as string[]),
      ];
    case 'milestone.rescheduled':
      return [
        ...project,
        ['Milestone', data.milestone.title],
        ['Was due', data.milestone.previousDueDate],
        ['Now due', data.milestone.dueDate],
        ['Reason', data.milestone.reason],
      ];
    case 'milestone.waived':
      return [
        ...project,
        ['Milestone', data.milestone.title],
        ['Was due', data.milestone.dueDate + (data.milestone.wasOverdue ? ' (overdue)' : '')],
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

function digestSections(notification: StoredNotification, publicUrl?: string): { title: string; link?: string; lines: string[] }[] {
  const projects = (notification.data as Record<string, any>).projects as {
    project: { id?: string; title: string; code: string; status: string };
    highlights: { headline: string; time: string }[];
  }[];
  return projects.map(({ project, highlights }) => {
    const link = projectLink(publicUrl, project.id);
    return {
      title: `${project.title} (${project.code}), ${project.status}`,
      ...(link ? { link } : {}),
      lines: highlights.map((highlight) => `${highlight.time.slice(0, 10)}: ${highlight.headline}`),
    };
  });
}

function optional(label: string, value: unknown, links?: readonly string[]): Details {
  return value === null || value === undefined || value === '' ? [] : [[label, String(value), ...(links ? [links] : [])] as Details[number]];
}

/** `value` as HTML, each of `links` that is a web address in it made a link; anything else stays text. */
function htmlWithLinks(value: string, links: readonly string[] = []): string {
  const webLinks = links.filter((link) => /^https?:\/\//i.test(link) && value.includes(link));
  if (webLinks.length === 0) return escapeHtml(value);
  let html = '';
  let rest = value;
  for (const link of webLinks) {
    const at = rest.indexOf(link);
    if (at < 0) continue;
    html += `${escapeHtml(rest.slice(0, at))}<a href="${escapeHtml(link)}">${escapeHtml(link)}</a>`;
    rest = rest.slice(at + link.length);
  }
  return html + escapeHtml(rest);
}

export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}
