import pg from 'pg';
import { performance } from 'node:perf_hooks';
const { PostgresAuditReader, StreamChainVerifier, SCAN_START } = await import('/work/wt-audit/dist/apps/cli/libs/event-store/src/index.js');
const pool = new pg.Pool({ connectionString: process.argv[2] });
const reader = new PostgresAuditReader(pool);
for (let round = 0; round < 3; round++) {
  let t = performance.now(); let rows = []; let key = SCAN_START;
  for (;;) { const page = await reader.scanStreams(key, 5000); rows.push(...page); if (page.length < 5000) break; key = { streamId: page.at(-1).streamId, version: page.at(-1).version }; }
  const read = performance.now() - t;
  t = performance.now();
  let v; for (const e of rows) { if (v?.streamId !== e.streamId) v = new StreamChainVerifier(e.streamId); v.push(e); }
  const hash = performance.now() - t;
  t = performance.now();
  const raw = await pool.query({ text: 'SELECT data::text, metadata::text FROM events', rowMode: 'array' });
  const rawText = performance.now() - t;
  console.log(`rows ${rows.length}: read ${read.toFixed(0)} ms (${Math.round(rows.length / read * 1000)}/s), hash ${hash.toFixed(0)} ms (${Math.round(rows.length / hash * 1000)}/s), raw text read ${rawText.toFixed(0)} ms`);
}
await pool.end();
