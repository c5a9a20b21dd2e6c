import { ConfigError, redact } from '@app/config';
import { isUnavailable } from '@app/database';

/**
 * The exit code of a command that could not do its work: invalid settings, PostgreSQL not reachable or
 * lost on the way, or a fault. Distinct from what a command finds (audit:verify's 1 is a broken chain,
 * projections:verify's 1 is drift) and from a bad argument (2), so a script never reads "the database
 * was down" as "the history was altered".
 */
export const COULD_NOT_RUN = 3;

/** What an operator reads when a command fails: the cause and what to check; a stack only for a fault. */
export function failureMessage(error: unknown, databaseUrl: string | undefined): string {
  if (error instanceof ConfigError) return error.message;
  const where = databaseUrl ? ` at ${redact(databaseUrl)}` : '';
  const code = (error as { code?: unknown } | null)?.code;
  if (code === '3D000') return `The database${where} does not exist: \`npm run db:migrate\` creates it.`;
  if (code === '28P01' || code === '28000') return `PostgreSQL${where} refused the connection (${describe(error)}): check DATABASE_URL.`;
  if (isUnavailable(error)) {
    return `PostgreSQL${where} could not be reached, or the connection was lost (${describe(error)}): is it running, and does DATABASE_URL point to it?`;
  }
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** An error's message; a connection refused on every address of a host name is an AggregateError without one. */
function describe(error: unknown): string {
  const failure = error as { message?: unknown; code?: unknown; errors?: unknown[] };
  if (typeof failure.message === 'string' && failure.message !== '') return failure.message;
  if (Array.isArray(failure.errors) && failure.errors.length > 0) return failure.errors.map(describe).join('; ');
  return String(failure.code ?? error);
}
