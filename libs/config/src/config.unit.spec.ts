import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('uses the docker-compose defaults when nothing is set', () => {
    expect(loadConfig({})).toEqual({
      nodeEnv: 'development',
      port: 3000,
      databaseUrl: 'postgres://postgres:postgres@127.0.0.1:5432/project_tracker',
      redisUrl: 'redis://127.0.0.1:6379',
      adminApiKey: undefined,
      queuePrefix: 'pt',
      reconcileIntervalMs: 1000,
      logLevel: 'log',
      audit: {
        snapshotEvery: 100,
        checkpointIntervalMs: 60000,
        iatiReportingOrg: { ref: 'XI-IATI-PROJECT-TRACKER', type: '90', name: 'Project Tracker' },
      },
    });
  });

  it('refuses audit settings the exporter or the worker could not use', () => {
    expect(() => loadConfig({ IATI_REPORTING_ORG_TYPE: '99' })).toThrow(/IATI_REPORTING_ORG_TYPE must be an IATI OrganisationType/);
    expect(() => loadConfig({ AUDIT_CHECKPOINT_INTERVAL_MS: '5' })).toThrow(/AUDIT_CHECKPOINT_INTERVAL_MS/);
    expect(() => loadConfig({ SNAPSHOT_EVERY: '0' })).toThrow(/SNAPSHOT_EVERY/);
  });

  it('stops with every problem named, and never prints a password', () => {
    let error: unknown;
    try {
      loadConfig({ DATABASE_URL: 'mysql://user:secret@db/x', PORT: 'eighty', REDIS_URL: 'nope', ADMIN_API_KEY: 'short' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, message } = error as ConfigError;
    expect(problems).toHaveLength(4);
    expect(message).toMatch(/DATABASE_URL must be a postgres:\/\/ URL/);
    expect(message).toMatch(/PORT must be an integer/);
    expect(message).toMatch(/REDIS_URL must be a redis:\/\/ URL/);
    expect(message).toMatch(/ADMIN_API_KEY must be at least 16 characters/);
    expect(message).not.toContain('secret');
  });

  it('requires ADMIN_API_KEY in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/ADMIN_API_KEY is required in production/);
  });

  it('refuses a database URL without a database name', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://127.0.0.1:5432' })).toThrow(/naming a database/);
  });
});
