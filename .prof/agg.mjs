import pg from 'pg';
import { performance } from 'node:perf_hooks';
const pool = new pg.Pool({ connectionString: process.argv[2] });
for (let r = 0; r < 3; r++) {
  let t = performance.now(); let n = 0; let key = ['00000000-0000-0000-0000-000000000000', 0];
  for (;;) {
    const res = await pool.query({ text: `SELECT coalesce(json_agg(t), '[]')::text FROM (SELECT position, transaction_id::text AS "transactionId", stream_id AS "streamId", stream_version AS version, event_id AS "eventId", type, schema_version AS "schemaVersion", data, metadata, occurred_at AS "occurredAt", recorded_at AS "recordedAt", previous_hash AS "previousHash", hash FROM events WHERE (stream_id, stream_version) > ($1::uuid, $2::integer) ORDER BY stream_id, stream_version LIMIT 5000) t`, values: key, rowMode: 'array' });
    const page = JSON.parse(res.rows[0][0]); n += page.length;
    if (page.length < 5000) break; key = [page.at(-1).streamId, page.at(-1).version];
    if (r === 0 && n === 5000) console.log(page[0].occurredAt, page[0].recordedAt);
  }
  const d = performance.now() - t; console.log(`agg read ${n} rows ${d.toFixed(0)} ms (${Math.round(n / d * 1000)}/s)`);
}
await pool.end();
