import { createHash } from 'node:crypto';
import { escapeHtml } from '@app/notifications';

const STYLE = 'body { font-family: sans-serif; max-width: 36em; margin: 3em auto; padding: 0 1em; line-height: 1.5 } button { font-size: 1em; padding: 0.5em 1em }';

/**
 * The page's own policy, stricter than the API-wide one: no script at all, its one stylesheet by hash,
 * and its form may post only back to the API.
 */
export const UNSUBSCRIBE_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE, 'utf8').digest('base64')}'`,
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** What the page that an e-mail's unsubscribe link opens says: before the click, and after it. */
export type UnsubscribePage =
  | { kind: 'confirm'; subscriptionId: string; address: string; token: string }
  | { kind: 'stopped'; subscriptionId: string; address: string; now: boolean };

/**
 * A page of its own, with no script: opening the link only asks (mail scanners open every link); the
 * button POSTs the same form a mail client's one-click unsubscribe sends (RFC 8058). The form's
 * address is the page's own with its query alone, so it posts back to the link as opened: behind a proxy
 * that serves the API under a path, and with a trailing slash (a path segment would land one level down).
 */
export function unsubscribePageHtml(page: UnsubscribePage): string {
  const address = escapeHtml(page.address);
  const subscription = escapeHtml(page.subscriptionId);
  const body =
    page.kind === 'confirm'
      ? `<h1>Stop these e-mails?</h1>
<p>Project Tracker sends notifications to <strong>${address}</strong> for the subscription ${subscription}.</p>
<form method="post" action="?token=${encodeURIComponent(page.token)}">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">Stop these e-mails</button>
</form>
<p>The subscription's owner will see that its recipient stopped it.</p>`
      : `<h1>${page.now ? 'You are unsubscribed' : 'Already stopped'}</h1>
<p>Project Tracker sends no more e-mails to <strong>${address}</strong> for the subscription ${subscription}.</p>
<p>${page.now ? 'Its owner sees that its recipient stopped it. ' : ''}To receive them again, ask the subscription's owner to enable it.</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Project Tracker: e-mail notifications</title>
<style>${STYLE}</style>
</head><body>
${body}
</body></html>
`;
}
