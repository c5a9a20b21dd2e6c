import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseEnv } from 'node:util';

import type { ApiClient } from './api-client.js';

/** An API key the demo created: its id (in event metadata) and its secret (shown once by the API). */
export interface DemoKey {
  id: string;
  secret: string;
}

/** The three keys the tour uses; the team key is scoped to one project (Bansuo). */
export interface DemoKeys {
  manager: DemoKey;
  team: DemoKey & { projectId: string };
  auditor: DemoKey;
}

export type DemoRole = keyof DemoKeys;

/** What `ensureDemoKeys` did: the keys to use, and which of them it had to create. */
export interface EnsuredDemoKeys {
  keys: DemoKeys;
  created: DemoRole[];
}

const NAMES: Record<DemoRole, string> = {
  manager: 'Demo manager (npm run demo)',
  team: 'Demo Bansuo field team (npm run demo)',
  auditor: 'Demo auditor (npm run demo)',
};

/**
 * The keys saved in `file` (a `.env`-style file, so a shell can `source` it), each as far as it is
 * complete; a missing or unreadable file saves nothing.
 */
export function readDemoKeys(file: string): Partial<DemoKeys> {
  if (!existsSync(file)) return {};
  let values: Record<string, string>;
  try {
    values = parseEnv(readFileSync(file, 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
  const key = (prefix: string): DemoKey | undefined => {
    const secret = values[`${prefix}_KEY`];
    const id = values[`${prefix}_KEY_ID`];
    return secret && id ? { id, secret } : undefined;
  };
  const saved: Partial<DemoKeys> = {};
  const manager = key('DEMO_MANAGER');
  const team = key('DEMO_TEAM');
  const auditor = key('DEMO_AUDITOR');
  if (manager) saved.manager = manager;
  if (team && values.DEMO_TEAM_PROJECT_ID) saved.team = { ...team, projectId: values.DEMO_TEAM_PROJECT_ID };
  if (auditor) saved.auditor = auditor;
  return saved;
}

/** The file's text: secrets included, so it is written readable by its owner only. */
export function formatDemoKeys(keys: DemoKeys, baseUrl: string, file: string): string {
  return [
    `# API keys created by \`npm run demo\` (scripts/demo-tour.sh) for ${baseUrl}; reused while the API still accepts them.`,
    `# Secrets: keep this file to yourself. Load it in a shell with: set -a; source ${file}; set +a`,
    `DEMO_MANAGER_KEY=${keys.manager.secret}`,
    `DEMO_MANAGER_KEY_ID=${keys.manager.id}`,
    `DEMO_TEAM_KEY=${keys.team.secret}`,
    `DEMO_TEAM_KEY_ID=${keys.team.id}`,
    `DEMO_TEAM_PROJECT_ID=${keys.team.projectId}`,
    `DEMO_AUDITOR_KEY=${keys.auditor.secret}`,
    `DEMO_AUDITOR_KEY_ID=${keys.auditor.id}`,
    '',
  ].join('\n');
}

function writeDemoKeys(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600 });
  renameSync(temporary, file);
}

/**
 * Whether the API still takes a saved key for what the tour does with it: 200 yes, 401 or 403 no (deleted
 * database, revoked key, another scope). Anything else is a fault of the API, not of the key, and throws
 * rather than replacing a good key.
 */
async function stillValid(client: ApiClient, role: DemoRole, key: DemoKey, projectId: string): Promise<boolean> {
  const path = {
    manager: '/projects?limit=1',
    team: `/projects/${projectId}`,
    auditor: `/projects/${projectId}/events?limit=1`,
  }[role];
  const answer = await client.request('GET', path, key.secret);
  if (answer.status === 200) return true;
  if (answer.status === 401 || answer.status === 403) return false;
  throw new Error(`GET ${path} with the saved ${role} key answered ${answer.status}: ${JSON.stringify(answer.body)}`);
}

async function createKey(client: ApiClient, adminKey: string, role: DemoRole, projectId: string): Promise<DemoKey> {
  const body = {
    name: NAMES[role],
    role,
    ...(role === 'team' ? { projectIds: [projectId] } : {}),
  };
  const answer = await client.request('POST', '/api-keys', adminKey, body);
  const created = answer.body as Partial<DemoKey> | undefined;
  if (answer.status !== 201 || typeof created?.id !== 'string' || typeof created.secret !== 'string') {
    throw new Error(`Creating the demo ${role} key answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
  return { id: created.id, secret: created.secret };
}

/**
 * A manager key, a team key scoped to `teamProjectId` and an auditor key: those saved in `file` that the
 * API still accepts, new ones (created with the admin key) for the rest. The file is rewritten only when
 * a key was created, so running the demo again changes nothing.
 */
export async function ensureDemoKeys(
  client: ApiClient,
  options: { adminKey: string; file: string; teamProjectId: string },
): Promise<EnsuredDemoKeys> {
  const saved = readDemoKeys(options.file);
  const created: DemoRole[] = [];
  const ensure = async (role: DemoRole): Promise<DemoKey> => {
    const key = saved[role];
    const sameScope = role !== 'team' || saved.team?.projectId === options.teamProjectId;
    if (key && sameScope && (await stillValid(client, role, key, options.teamProjectId))) return key;
    created.push(role);
    return createKey(client, options.adminKey, role, options.teamProjectId);
  };
  const keys: DemoKeys = {
    manager: await ensure('manager'),
    team: { ...(await ensure('team')), projectId: options.teamProjectId },
    auditor: await ensure('auditor'),
  };
  if (created.length > 0) writeDemoKeys(options.file, formatDemoKeys(keys, client.baseUrl, options.file));
  return { keys, created };
}
