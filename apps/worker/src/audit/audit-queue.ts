/** The queue of audit housekeeping: one repeatable job publishes the next checkpoint of the log's hash chain. */
export const AUDIT_QUEUE = 'audit';

/** Id of the job scheduler that publishes checkpoints at AUDIT_CHECKPOINT_INTERVAL_MS. */
export const CHECKPOINT_SCHEDULER_ID = 'audit-checkpoint';
