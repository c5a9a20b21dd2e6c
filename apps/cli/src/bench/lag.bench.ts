import pg from 'pg';
import type { AppConfig } from '@app/config';

/**
 * `bench:lag [commands] [api-url]`: idle commit-to-read-model lag against a running API and worker.
 * One command at a time, 50 ms apart: from the API's answer (the commit happened just before it) to
 * the moment the project's view shows the answered version, polled every millisecond in PostgreSQL.
 */
export async function lagBenchmark(config: AppConfig, args: string[]): Promise<void> {
  const count = Number(args[0] ?? 200);
  const api = args[1] ?? `http://127.0.0.1:${config.port}`;
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${config.adminApiKey}` };
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 2 });
  try {
    const proposed = await fetch(`${api}/projects`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        code: `LAG-${Date.now()}`, title: 'Lag benchmark', description: 'bench:lag', country: 'LA', location: {},
        sector: '43040', participatingOrganisations: [{ name: 'Benchmark', role: 1 }],
      }),
    });
    if (proposed.status !== 201) throw new Error(`propose answered ${proposed.status}: ${await proposed.text()}`);
    const { id } = (await proposed.json()) as { id: string };
    const lags: number[] = [];
    for (let i = 0; i < count; i++) {
      const response = await fetch(`${api}/projects/${id}/components`, { method: 'POST', headers, body: JSON.stringify({ name: `C${i}`, kind: 'industry' }) });
      const answeredAt = performance.now();
      const { version } = (await response.json()) as { version: number };
      for (;;) {
        const row = await pool.query<{ version: number }>('SELECT version FROM project_views WHERE id = $1', [id]);
        if ((row.rows[0]?.version ?? 0) >= version) break;
        if (performance.now() - answeredAt > 10_000) throw new Error(`version ${version} not visible after 10 s`);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      lags.push(performance.now() - answeredAt);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    lags.sort((a, b) => a - b);
    const at = (q: number) => Math.round(lags[Math.min(lags.length - 1, Math.floor(q * lags.length))]! * 10) / 10;
    console.log(JSON.stringify({ benchmark: 'idle-commit-to-visible-ms', commands: count, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1) }));
  } finally {
    await pool.end();
  }
}
