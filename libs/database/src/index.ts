export * from './orm.config.js';
export * from './database-admin.js';
export * from './database.module.js';
export * from './bounded-pool.js';
export * from './unavailable.js';
export * from './lost-connections.js';
export * from './startup-failure.js';
export * from './outage-log.js';
