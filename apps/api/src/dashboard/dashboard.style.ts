/** The dashboard's stylesheet, inlined into the page (allowed by its hash in the page's CSP). */
export const DASHBOARD_STYLE = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #4a5360; --line: #c9d1db; --accent: #0b5cad; --bad: #a3140c; --good: #176b2c; --bg: #f5f7fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
header { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: .5rem 1rem; padding: .75rem 1.25rem; background: #fff; border-bottom: 1px solid var(--line); }
header h1 { font-size: 1.25rem; margin: 0; }
main { display: grid; gap: 1.25rem; padding: 1.25rem; grid-template-columns: minmax(0, 1fr); max-width: 90rem; margin: 0 auto; }
@media (min-width: 64rem) { main.signed-in { grid-template-columns: minmax(0, 2fr) minmax(0, 3fr); } #portfolio, #notifications { grid-column: 1; } #project { grid-column: 2; grid-row: 1 / span 3; } }
section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 1rem 1.25rem; min-width: 0; }
h2 { font-size: 1.15rem; margin: 0 0 .75rem; }
h3 { font-size: 1rem; margin: 1.25rem 0 .5rem; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
.scroll { overflow-x: auto; max-width: 100%; margin-bottom: .75rem; }
caption { text-align: left; font-weight: 600; padding-bottom: .25rem; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th[scope=col] { color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.stats { display: grid; grid-template-columns: repeat(auto-fill, minmax(8.5rem, 1fr)); gap: .5rem; margin: 0 0 1rem; }
.stats div { border: 1px solid var(--line); border-radius: 4px; padding: .4rem .6rem; }
.stats dt { color: var(--muted); font-size: .85rem; }
.stats dd { margin: 0; font-size: 1.35rem; font-weight: 600; font-variant-numeric: tabular-nums; }
button, input, select { font: inherit; }
button { cursor: pointer; border: 1px solid var(--accent); background: var(--accent); color: #fff; border-radius: 4px; padding: .35rem .8rem; }
button.link { background: none; border: 0; color: var(--accent); padding: 0; text-decoration: underline; text-align: left; }
button.secondary { background: #fff; color: var(--accent); }
:focus-visible { outline: 3px solid #f2a900; outline-offset: 2px; }
input, select { border: 1px solid #6b7785; border-radius: 4px; padding: .35rem .5rem; background: #fff; color: var(--ink); }
label { display: block; font-weight: 600; margin-bottom: .25rem; }
form.sign-in { max-width: 28rem; }
form.sign-in p { margin: .5rem 0; }
.filters { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; margin-bottom: .75rem; }
.error { color: var(--bad); font-weight: 600; }
.muted { color: var(--muted); }
.badge { display: inline-block; border-radius: 3px; padding: 0 .4rem; font-size: .85rem; font-weight: 600; border: 1px solid currentColor; }
.badge.overdue { color: var(--bad); }
.badge.reached { color: var(--good); }
.badge.upcoming { color: var(--accent); }
.badge.waived, .badge.planned, .badge.unreached { color: var(--muted); }
tr[aria-current=true] td { background: #e7f0fb; }
ul.indicators { list-style: none; padding: 0; margin: 0; }
.indicator { margin: 0 0 .9rem; }
.indicator .title { font-weight: 600; }
.bar { position: relative; height: 1rem; background: #e3e8ee; border: 1px solid #6b7785; border-radius: 3px; overflow: hidden; margin: .2rem 0; }
.bar span { display: block; height: 100%; background: var(--accent); }
.bar.done span { background: var(--good); }
ol.timeline { list-style: none; padding: 0; margin: 0; }
ol.timeline > li { border-left: 3px solid var(--line); padding: 0 0 .75rem .75rem; }
ol.timeline > li.reached { border-color: var(--good); }
ol.timeline > li.overdue { border-color: var(--bad); }
ol.timeline ul { margin: .25rem 0 0; padding-left: 1.1rem; color: var(--muted); font-size: .92rem; }
#feed { list-style: none; padding: 0; margin: 0; max-height: 24rem; overflow: auto; }
#feed li { border-bottom: 1px solid var(--line); padding: .4rem 0; }
#feed li.unread { font-weight: 600; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;
