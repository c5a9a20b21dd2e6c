import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
const { canonicalJson } = await import('/work/wt-audit/dist/apps/cli/libs/event-store/src/index.js');
const ev = { streamId: 'a1b2c3d4-0000-4000-8000-000000000001', version: 42, eventId: 'e1b2c3d4-0000-4000-8000-000000000001', type: 'MeasurementRecorded', schemaVersion: 1,
  data: { projectId: 'a1b2c3d4-0000-4000-8000-000000000001', indicatorId: 'i1b2c3d4-0000-4000-8000-000000000001', measurementId: 'm1b2c3d4-0000-4000-8000-000000000001', value: 12, date: '2020-01-01', disaggregation: { female: 1, male: 2, unknown: 3 } },
  metadata: { eventId: 'e1b2c3d4-0000-4000-8000-000000000001', actor: { keyId: 'k1b2c3d4-0000-4000-8000-000000000001', role: 'team' }, commandType: 'RecordMeasurement', correlationId: 'c1b2c3d4-0000-4000-8000-000000000001', occurredAt: '2020-01-01T00:00:00.000Z', recordedAt: '2020-01-01T00:00:00.000Z' },
  occurredAt: '2020-01-01T00:00:00.000Z', recordedAt: '2020-01-01T00:00:00.000Z', previousHash: '0'.repeat(64) };
const N = 100000;
let t = performance.now(); let s; for (let i = 0; i < N; i++) s = canonicalJson(ev); const c = performance.now() - t;
t = performance.now(); for (let i = 0; i < N; i++) createHash('sha256').update(s).digest('hex'); const h = performance.now() - t;
t = performance.now(); for (let i = 0; i < N; i++) JSON.stringify(ev); const j = performance.now() - t;
console.log(`canonical ${(c / N * 1000).toFixed(2)} µs, sha256 ${(h / N * 1000).toFixed(2)} µs, JSON.stringify ${(j / N * 1000).toFixed(2)} µs, len ${s.length}`);
