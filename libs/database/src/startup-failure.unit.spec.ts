import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@app/config';
import { failureMessage, isMisconfiguredDatabase } from './startup-failure.js';

const settings = { databaseUrl: 'postgres://tracker:secret@db.internal:5432/tracker', redisUrl: 'redis://cache.internal:6380' };
const refused = (address: string, port: number) =>
  Object.assign(new Error(`connect ECONNREFUSED ${address}:${port}`), { code: 'ECONNREFUSED', syscall: 'connect', address, port });

describe('the one line an operator reads when a process cannot start', () => {
  it('names the setting to fix, never a password', () => {
    expect(failureMessage(new ConfigError(['PORT must be an integer']), settings)).toMatch(/PORT must be an integer/);
    const missing = failureMessage(Object.assign(new Error('database "tracker" does not exist'), { code: '3D000' }), settings);
    expect(missing).toBe('The database at postgres://tracker:***@db.internal:5432/tracker does not exist: `npm run db:migrate` creates it.');
    const unmigrated = failureMessage(Object.assign(new Error('relation "api_keys" does not exist'), { code: '42P01' }), settings);
    expect(unmigrated).toMatch(/has no Project Tracker schema \(relation "api_keys" does not exist\): `npm run db:migrate` creates it\.$/);
    expect(failureMessage(Object.assign(new Error('password authentication failed'), { code: '28P01' }), settings)).toMatch(/refused the connection .*check DATABASE_URL/);
    for (const code of ['3D000', '42P01', '28P01']) {
      expect(failureMessage(Object.assign(new Error('x'), { code }), settings)).not.toContain('secret');
    }
  });

  it('tells PostgreSQL out of reach from Redis out of reach by the address that refused', () => {
    expect(failureMessage(refused('db.internal', 5432), settings)).toMatch(/^PostgreSQL at postgres:\/\/tracker:\*\*\*@db\.internal:5432\/tracker could not be reached/);
    expect(failureMessage(refused('cache.internal', 6380), settings)).toMatch(/^Redis at redis:\/\/cache\.internal:6380 could not be reached .*REDIS_URL/);
    const local = { databaseUrl: 'postgres://p@localhost:5432/t', redisUrl: 'redis://localhost:6379' };
    const both = Object.assign(new AggregateError([refused('::1', 6379), refused('127.0.0.1', 6379)]), { code: 'ECONNREFUSED' });
    expect(failureMessage(both, local)).toMatch(/^Redis at redis:\/\/localhost:6379 could not be reached \(connect ECONNREFUSED ::1:6379; connect ECONNREFUSED 127\.0\.0\.1:6379\)/);
  });

  it('names a port already taken, and keeps the stack of anything else', () => {
    const taken = Object.assign(new Error('listen EADDRINUSE: address already in use 0.0.0.0:3000'), { code: 'EADDRINUSE', syscall: 'listen', port: 3000 });
    expect(failureMessage(taken, settings)).toMatch(/^Port 3000 is already in use by another process/);
    const fault = new TypeError('x is not a function');
    expect(failureMessage(fault, settings)).toBe(fault.stack);
  });

  it('tells a database to fix from one to wait for', () => {
    expect(isMisconfiguredDatabase(Object.assign(new Error('x'), { code: '3D000' }))).toBe(true);
    expect(isMisconfiguredDatabase(Object.assign(new Error('x'), { code: '28P01' }))).toBe(true);
    expect(isMisconfiguredDatabase(Object.assign(new Error('relation "event_streams" does not exist'), { code: '42P01' }))).toBe(true);
    expect(isMisconfiguredDatabase(refused('db.internal', 5432))).toBe(false);
  });
});
