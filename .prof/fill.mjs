import pg from 'pg';
import { randomUUID } from 'node:crypto';
const { PostgresEventStore } = await import('/work/wt-audit/dist/apps/cli/libs/event-store/src/index.js');
const pool = new pg.Pool({ connectionString: process.argv[2] });
const store = new PostgresEventStore(pool);
for (let s = 0; s < Number(process.argv[3] ?? 40); s++) {
  const id = randomUUID();
  for (let b = 0; b < 5; b++) {
    const events = Array.from({ length: 100 }, (_, i) => ({ type: 'MeasurementRecorded', schemaVersion: 1, data: { projectId: id, indicatorId: randomUUID(), measurementId: randomUUID(), value: i, date: '2020-01-01', disaggregation: { female: 1, male: 2, unknown: 3 } }, metadata: { eventId: randomUUID(), actor: { keyId: randomUUID(), role: 'team' }, commandType: 'RecordMeasurement', correlationId: randomUUID(), occurredAt: new Date().toISOString() } }));
    await store.append(id, b * 100, events, { streamType: 'project' });
  }
}
await pool.end();
