export * from './config.js';
export * from './audit-config.js';
export * from './config.module.js';
export * from './logging.js';
