import { createHash } from 'node:crypto';

import type { ProjectCommand } from '@app/domain';

/**
 * One command of a seed project's history, with when it happened in the real project (not when the
 * seed runs): `occurredAt` is the step's business date at midnight UTC.
 */
export interface SeedStep {
  command: ProjectCommand;
  /** ISO date-time, e.g. `2017-09-01T00:00:00.000Z`. */
  occurredAt: string;
}

/**
 * A real project written down as the commands that would have recorded it, taken from one source
 * document. Every id is a `seedId`, so running the seed twice produces the same ids.
 */
export interface SeedProject {
  /** The project code, also the first part of every `seedId` of the project. */
  code: string;
  projectId: string;
  /** The source document the facts come from, e.g. `seed-docs/004_ce5a96a2e1a446d7.txt`. */
  source: string;
  steps: SeedStep[];
}

/** Joins the parts of a seed id; parts may not contain it, so different part lists never hash alike. */
const SEPARATOR = '\u0000';

/**
 * A deterministic UUID for `parts` (e.g. `seedId('CN-LA-BANSUO', 'component', 'cattle')`), in the manner
 * of an RFC 4122 name-based UUID: the first 16 bytes of the SHA-256 of the parts joined, with the version
 * nibble set to 5 and the variant bits to 10xx. The same parts always give the same id.
 */
export function seedId(...parts: string[]): string {
  if (parts.length === 0) throw new Error('seedId needs at least one part.');
  for (const part of parts) {
    if (part.includes(SEPARATOR)) throw new Error(`A seedId part may not contain a NUL character: ${JSON.stringify(part)}.`);
  }
  const bytes = createHash('sha256').update(parts.join(SEPARATOR), 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20, 32)].join('-');
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `value` is a real calendar date written `YYYY-MM-DD` (2019-02-30 is not). */
export function isIsoDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (match === null) return false;
  const [, year, month, day] = match;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  return date.toISOString().slice(0, 10) === value;
}

/** A seed step that happened on the business date `date` (`YYYY-MM-DD`), at midnight UTC. */
export function stepOn(date: string, command: ProjectCommand): SeedStep {
  if (!isIsoDate(date)) throw new Error(`Not a YYYY-MM-DD date: ${date}.`);
  return { command, occurredAt: `${date}T00:00:00.000Z` };
}

/** What a seed file writes its history with: ids under the project's code, and steps in the order given. */
export interface SeedRecorder {
  /** `seedId(code, ...parts)`. */
  id(...parts: string[]): string;
  /** Appends a step that happened on the business date `date` (`YYYY-MM-DD`). */
  on(date: string, command: ProjectCommand): void;
  /** The project's seed: its id is `id('project')`. */
  done(source: string): SeedProject;
}

/** A fresh recorder for the project `code`; each call gives a new, empty history. */
export function recordSeed(code: string): SeedRecorder {
  const steps: SeedStep[] = [];
  const id = (...parts: string[]): string => seedId(code, ...parts);
  return {
    id,
    on: (date, command) => {
      steps.push(stepOn(date, command));
    },
    done: (source) => ({ code, projectId: id('project'), source, steps: [...steps] }),
  };
}
