import pg from 'pg';
import type { AppConfig } from '@app/config';
import { survivesLostConnections } from '@app/database';
import { AuditCheckpoints, PostgresAuditReader, verifyStream } from '@app/event-store';
import { defaultWorkers, verifyAllStreamsInParallel } from './parallel-verification.js';
import { Progress } from './progress.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const USAGE = 'Usage: audit:verify [projectId] [--workers=N] [--checkpoint=ID [--hash=HEX]]';
const SMALL_LOG = 50_000;

/**
 * `audit:verify [projectId] [--workers=N] [--checkpoint=ID [--hash=HEX]]`: one project's hash chain,
 * or every stream's chain (split over N threads, this one and N - 1 workers: one per two cores by
 * default, one for a log under 50,000 events) and then the whole log against every published checkpoint, or
 * against checkpoint ID only (and the hash an auditor holds for it). Exit code 0 when everything holds,
 * 1 when something broke, 2 for a bad argument. The run is recorded in the access log (role `cli`).
 */
export async function auditVerifyCommand(config: AppConfig, args: string[]): Promise<number> {
  let workers: number | undefined;
  let checkpointId: number | undefined;
  let heldHash: string | undefined;
  const positional: string[] = [];
  for (const arg of args) {
    const match = /^--workers=(\d{1,2})$/.exec(arg);
    const checkpoint = /^--checkpoint=([1-9]\d{0,15})$/.exec(arg);
    // Hex is the same number in either case.
    const hash = /^--hash=([0-9a-fA-F]{64})$/.exec(arg);
    if (match && Number(match[1]) >= 1) workers = Number(match[1]);
    else if (checkpoint) checkpointId = Number(checkpoint[1]);
    else if (hash) heldHash = hash[1]!.toLowerCase();
    else if (arg.startsWith('--')) {
      const option = /^(--[a-z-]+)=/.exec(arg)?.[1];
      const expected: Record<string, string> = { '--workers': 'a number of threads from 1 to 99', '--checkpoint': 'a checkpoint id', '--hash': '64 hex digits' };
      console.error(option && expected[option] ? `${USAGE}   (${option} takes ${expected[option]}: got ${arg})` : `${USAGE}   (unknown option ${arg})`);
      return 2;
    } else positional.push(arg);
  }
  // UUIDs in either case name one project; its events are hashed with the id as PostgreSQL writes it.
  const projectId = positional[0]?.toLowerCase();
  if (positional.length > 1 || (projectId !== undefined && !UUID.test(projectId))) {
    console.error(`${USAGE}   ("${positional.join(' ')}" is not one project id)`);
    return 2;
  }
  if ((heldHash !== undefined && checkpointId === undefined) || (checkpointId !== undefined && projectId !== undefined)) {
    console.error(`${USAGE}   (--hash needs --checkpoint, and --checkpoint verifies the whole log, not one project)`);
    return 2;
  }
  const pool = survivesLostConnections(new pg.Pool({ connectionString: config.databaseUrl, max: 4 }));
  try {
    const reader = new PostgresAuditReader(pool);
    const started = Date.now();
    let valid: boolean;
    let outcome: unknown;
    if (projectId) {
      const progress = new Progress(`project ${projectId}`, await reader.countEvents(projectId));
      const result = await verifyStream(reader, projectId, (done) => progress.update(done));
      progress.done();
      if (!result) {
        console.error(`Project ${projectId} does not exist.`);
        return 2;
      }
      valid = result.valid;
      outcome = result;
      console.log(
        result.valid
          ? `VALID: project ${projectId}, ${result.events} events, head version ${result.head?.version} ${result.head?.hash}`
          : `BROKEN: project ${projectId} at version ${result.brokenAt.version} (position ${result.brokenAt.position}): ${result.reason}`,
      );
    } else {
      // For the progress bars and the choice of threads: an estimate, so verification starts at once.
      const total = await reader.estimateEvents();
      // Starting threads costs more than it saves on a small log.
      workers ??= total < SMALL_LOG ? 1 : defaultWorkers();
      const streamsProgress = new Progress('streams', total, { approximate: true });
      const streams = await verifyAllStreamsInParallel(config.databaseUrl, workers, (done) => streamsProgress.update(done));
      streamsProgress.done();
      const seconds = (Date.now() - started) / 1000;
      console.log(
        `${streams.valid ? 'VALID' : 'BROKEN'}: ${streams.streams} streams, ${streams.events} events verified in ${seconds.toFixed(2)} s` +
          ` (${Math.round(streams.events / Math.max(seconds, 0.001)).toLocaleString('en')} events/s, ${workers} thread${workers > 1 ? 's' : ''})`,
      );
      for (const broken of streams.broken) {
        console.log(`  BROKEN: stream ${broken.streamId} at version ${broken.brokenAt.version} (position ${broken.brokenAt.position}): ${broken.reason}`);
      }
      if (streams.brokenStreams > streams.broken.length) console.log(`  ... and ${streams.brokenStreams - streams.broken.length} more broken streams`);

      const checkpointsProgress = new Progress('checkpoints', total, { approximate: true });
      const checkpoints = await new AuditCheckpoints(pool, reader).verify({
        upToId: checkpointId,
        heldHash,
        onProgress: (done) => checkpointsProgress.update(done),
      });
      checkpointsProgress.done();
      console.log(
        checkpoints.valid
          ? `VALID: ${checkpoints.checkpoints} checkpoints reproduced from ${checkpoints.events} events` +
              (checkpoints.head ? `; ${checkpointId ? 'checkpoint' : 'latest'} ${checkpoints.head.id}: ${checkpoints.head.hash}` : '') +
              (heldHash ? ' (the hash you hold)' : '')
          : `BROKEN: ${checkpoints.reason}`,
      );
      valid = streams.valid && checkpoints.valid;
      outcome = {
        valid,
        streams: streams.streams,
        events: streams.events,
        brokenStreams: streams.brokenStreams,
        checkpoints: checkpoints.valid ? { valid: true, count: checkpoints.checkpoints } : { valid: false, reason: checkpoints.reason },
      };
    }
    await pool.query(
      `INSERT INTO audit_access_log (key_id, key_name, role, action, project_id, request, status, outcome)
       VALUES (NULL, $1, 'cli', 'cli.audit.verify', $2, $3, 0, $4)`,
      [process.env.USER ?? 'operator', projectId ?? null, `audit:verify ${args.join(' ')}`.trim(), JSON.stringify(outcome)],
    );
    return valid ? 0 : 1;
  } finally {
    await pool.end();
  }
}
