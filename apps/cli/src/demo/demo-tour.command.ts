import type { AppConfig } from '@app/config';

import { seedId, type SeedProject, SEED_PROJECTS } from '../../../../seeds/index.js';
import { ApiClient, pollUntil } from './api-client.js';
import { ensureDemoKeys } from './demo-keys.js';
import { renderTour, type TourContext } from './demo-tour.js';

export const DEMO_KEYS_FILE = '.run/demo-keys.env';
const BANSUO_CODE = 'CN-LA-BANSUO';

export interface DemoTourOptions {
  /** The running API, as the reader will reach it. */
  baseUrl: string;
  adminKey: string;
  keysFile: string;
  seeds: readonly SeedProject[];
  /** How long to wait for the API and for the worker to project the seeds. */
  timeoutMs: number;
  today: Date;
}

/** Waits until every seed project's read model has caught up with its seeded history. */
async function waitForSeedViews(client: ApiClient, options: DemoTourOptions): Promise<void> {
  let lagging: string[] = [];
  await pollUntil(
    async () => {
      lagging = [];
      for (const seed of options.seeds) {
        const answer = await client.request('GET', `/projects/${seed.projectId}`, options.adminKey);
        const version = (answer.body as { version?: number } | undefined)?.version ?? 0;
        if (answer.status !== 200 || version < seed.steps.length) lagging.push(seed.code);
      }
      return lagging.length === 0 ? true : undefined;
    },
    options.timeoutMs,
    () =>
      new Error(
        `These seeded projects are not in the read model after ${options.timeoutMs / 1000} s: ${lagging.join(', ')}. ` +
          'Was `npm run seed` run against this database, and is the worker running (see .run/worker.log)?',
      ),
  );
}

function titleOf(seed: SeedProject): string {
  const propose = seed.steps.find((step) => step.command.type === 'ProposeProject')?.command;
  return propose?.type === 'ProposeProject' ? propose.data.title : seed.code;
}

function daysAfter(date: Date, days: number): string {
  return new Date(date.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Everything the tour prints, once the API is up and the seeds are projected: keys reused or created,
 * and the routes of the API that answer. Records no event: running it again changes nothing.
 */
export async function prepareDemoTour(options: DemoTourOptions): Promise<TourContext> {
  const client = new ApiClient(options.baseUrl);
  await pollUntil(
    async () => ((await client.request('GET', '/health/ready')).status === 200 ? true : undefined),
    options.timeoutMs,
    () => new Error(`The API at ${options.baseUrl} is not ready after ${options.timeoutMs / 1000} s (see .run/api.log).`),
  );
  await waitForSeedViews(client, options);

  const bansuoSeed = options.seeds.find((seed) => seed.code === BANSUO_CODE);
  if (bansuoSeed === undefined) throw new Error(`The seeds hold no ${BANSUO_CODE} project, which the tour is about.`);
  const bansuo = { id: bansuoSeed.projectId, code: bansuoSeed.code, title: titleOf(bansuoSeed) };
  const { keys, created } = await ensureDemoKeys(client, {
    adminKey: options.adminKey,
    file: options.keysFile,
    teamProjectId: bansuo.id,
  });
  return {
    baseUrl: options.baseUrl,
    keys,
    created,
    keysFile: options.keysFile,
    bansuo,
    cattleIndicatorId: seedId(BANSUO_CODE, 'indicator', 'cattle-distributed'),
    dueDate: daysAfter(options.today, 60),
    projectCount: options.seeds.length,
  };
}

/** `tour`: prints the guided tour of the running API (scripts/demo-tour.sh, the end of `npm run demo`). */
export async function demoTourCommand(config: AppConfig): Promise<void> {
  if (!config.adminApiKey) throw new Error('ADMIN_API_KEY is not set: the tour needs it to create its keys.');
  const context = await prepareDemoTour({
    baseUrl: `http://localhost:${config.port}`,
    adminKey: config.adminApiKey,
    keysFile: DEMO_KEYS_FILE,
    seeds: SEED_PROJECTS,
    timeoutMs: 60_000,
    today: new Date(),
  });
  console.log(renderTour(context));
}
