export * from './hash-chain-verifier.js';
export * from './postgres-audit-reader.js';
export * from './stream-verification.js';
export * from './stream-id-ranges.js';
export * from './audit-checkpoints.js';
