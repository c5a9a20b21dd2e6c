export * from './canonical-json.js';
export * from './event-hash.js';
export * from './stored-event.js';
export * from './event-store.errors.js';
export * from './postgres-event-store.js';
export * from './command-handling.js';
export * from './projects/project-command-handling.js';
