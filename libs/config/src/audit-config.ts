import { isOrganisationType } from '@app/iati';
import { readWholeNumber } from './whole-number.js';

/** Settings of the audit trail: snapshots, checkpoints, and the organisation IATI exports name. */
export interface AuditConfig {
  /** A project state snapshot is stored once this many events have been folded past the last one. */
  snapshotEvery: number;
  /** How often the worker publishes a checkpoint of the whole log's hash chain, in milliseconds. */
  checkpointIntervalMs: number;
  iatiReportingOrg: { ref: string; type: string; name: string };
}

export const AUDIT_CONFIG_DEFAULTS = {
  SNAPSHOT_EVERY: '100',
  AUDIT_CHECKPOINT_INTERVAL_MS: '60000',
  IATI_REPORTING_ORG_REF: 'XI-IATI-PROJECT-TRACKER',
  IATI_REPORTING_ORG_TYPE: '90',
  IATI_REPORTING_ORG_NAME: 'Project Tracker',
} as const;

/** Reads the audit settings, adding a sentence to `problems` for each one that is malformed. */
export function readAuditConfig(env: NodeJS.ProcessEnv, problems: string[]): AuditConfig {
  const read = (key: keyof typeof AUDIT_CONFIG_DEFAULTS): string => {
    const value = env[key];
    return value === undefined || value === '' ? AUDIT_CONFIG_DEFAULTS[key] : value;
  };
  const snapshotEvery = readWholeNumber('SNAPSHOT_EVERY', read('SNAPSHOT_EVERY'), { min: 1, max: 1_000_000 }, problems);
  // At most a day: a checkpoint is what a later tampering is found against, and one rarer than daily
  // leaves most of the log unwitnessed.
  const checkpointIntervalMs = readWholeNumber(
    'AUDIT_CHECKPOINT_INTERVAL_MS',
    read('AUDIT_CHECKPOINT_INTERVAL_MS'),
    { min: 100, max: 86_400_000 },
    problems,
  );
  const ref = read('IATI_REPORTING_ORG_REF');
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{1,149}$/.test(ref)) {
    problems.push(`IATI_REPORTING_ORG_REF must be an IATI organisation identifier like GB-COH-123456 (got "${ref}")`);
  }
  const type = read('IATI_REPORTING_ORG_TYPE');
  if (!isOrganisationType(type)) {
    problems.push(`IATI_REPORTING_ORG_TYPE must be an IATI OrganisationType code such as 10, 21 or 90 (got "${type}")`);
  }
  return {
    snapshotEvery,
    checkpointIntervalMs,
    iatiReportingOrg: { ref, type, name: read('IATI_REPORTING_ORG_NAME') },
  };
}
