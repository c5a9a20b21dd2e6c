import pg from 'pg';
import type { AppConfig } from '@app/config';
import { createDatabaseIfMissing, dropDatabaseIfExists, migrate } from '@app/database';
import { PostgresEventStore } from '@app/event-store';
import { ProjectViewsRebuild } from '@app/read-models';
import { writeSyntheticProjects } from './synthetic-projects.js';

/**
 * `bench:rebuild [events]`: rebuild of the project read model from N events (default 100,000) in a
 * database of its own, created and dropped by the benchmark.
 */
export async function rebuildBenchmark(config: AppConfig, args: string[]): Promise<void> {
  const target = Number(args[0] ?? 100_000);
  const url = new URL(config.databaseUrl);
  url.pathname = `/pt_bench_rebuild_${process.pid}`;
  const databaseUrl = url.toString();
  await createDatabaseIfMissing(databaseUrl);
  await migrate(databaseUrl);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  try {
    const perProject = 100;
    const written = await writeSyntheticProjects(new PostgresEventStore(pool), Math.ceil(target / perProject), perProject);
    const rebuild = new ProjectViewsRebuild(pool);
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await rebuild.rebuild());
    const rates = runs.map((r) => r.events / (r.durationMs / 1000)).sort((a, b) => a - b);
    const result = { events: written, projects: runs[0]!.projects, runsMs: runs.map((r) => r.durationMs), medianEventsPerSecond: Math.round(rates[1]!) };
    console.log(JSON.stringify({ benchmark: 'rebuild', ...result }));
  } finally {
    await pool.end();
    await dropDatabaseIfExists(databaseUrl);
  }
}
