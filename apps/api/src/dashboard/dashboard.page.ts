import { createHash } from 'node:crypto';
import { DASHBOARD_SCRIPT } from './dashboard.script.js';
import { DASHBOARD_STYLE } from './dashboard.style.js';

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** The manager's dashboard: one self-contained page, read-only, signed in with an API key. */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Project Tracker dashboard</title>
<link rel="icon" href="data:,">
<style>${DASHBOARD_STYLE}</style>
</head>
<body>
<header>
<h1>Project Tracker dashboard</h1>
<div id="who"></div>
</header>
<main id="main">
<noscript><p>This dashboard needs JavaScript. The same data is in the JSON API: see <a href="/docs">/docs</a>.</p></noscript>
</main>
<script>${DASHBOARD_SCRIPT}</script>
</body>
</html>
`;

/**
 * The page's own policy, stricter than the API-wide one helmet sets: nothing but this page's inline
 * style and script (by hash, so no 'unsafe-inline') and calls back to this origin. Style attributes
 * stay blocked; the script sets bar widths through the CSSOM, which CSP does not restrict.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  `script-src ${sha256(DASHBOARD_SCRIPT)}`,
  `style-src ${sha256(DASHBOARD_STYLE)}`,
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
