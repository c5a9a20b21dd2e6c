// A PostgreSQL server of the test run's own, for its second Jest worker (scripts/test.sh): the specs'
// throwaway server (test/support/throwaway-servers.ts, loaded as TypeScript by Node's type stripping),
// started here and its URL written to the file the first argument names. It is stopped and its
// directory removed when this process gets SIGTERM or SIGINT. Exits non-zero if it cannot start one
// (no initdb or pg_ctl: the run then uses one worker).
//
//   node scripts/test-postgres.mjs <url-file>
import { writeFileSync } from 'node:fs';

const { startThrowawayPostgres } = await import('../test/support/throwaway-servers.ts');
const server = await startThrowawayPostgres();
const stop = () => server.dispose().finally(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
writeFileSync(process.argv[2], server.url);
// Held open until a signal stops the server.
setInterval(() => undefined, 60_000);
