import { describe, expect, it } from '@jest/globals';
import { VIEW_TABLES } from './project-detail.rows.js';
import { viewWriteStatementName } from './view-rows.sql.js';

/** PostgreSQL keeps this many bytes of an identifier (NAMEDATALEN - 1); a longer name is cut to them. */
const POSTGRES_NAME_BYTES = 63;

describe('the view write statement names', () => {
  it('are one per set of changed tables, each kept whole by PostgreSQL', () => {
    const others = VIEW_TABLES.filter((table) => table !== 'project_views');
    // Every set a sync can write, in the order the write lists them.
    const sets = Array.from({ length: 2 ** others.length }, (_, mask) => others.filter((_, index) => mask & (1 << index)));
    const names = sets.map(viewWriteStatementName);

    expect(names.every((name) => Buffer.byteLength(name) <= POSTGRES_NAME_BYTES)).toBe(true);
    // Distinct as PostgreSQL stores them, not only as written.
    expect(new Set(names.map((name) => name.slice(0, POSTGRES_NAME_BYTES))).size).toBe(sets.length);
  });
});
