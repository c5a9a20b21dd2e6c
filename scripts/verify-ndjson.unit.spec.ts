import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';

describe('docs/verify-export.md', () => {
  it('carries scripts/verify-ndjson.mjs verbatim, so the documented script is the tested one', () => {
    const script = readFileSync('scripts/verify-ndjson.mjs', 'utf8');
    const doc = readFileSync('docs/verify-export.md', 'utf8');
    const block = /```js\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(block).toBe(script);
  });
});

describe('scripts/verify-ndjson.mjs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pt-verify-ndjson-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const verify = (file: string) => {
    const { status, stdout, stderr } = spawnSync(process.execPath, ['scripts/verify-ndjson.mjs', file], { encoding: 'utf8' });
    return { status, stdout: stdout.trim(), stderr: stderr.trim() };
  };

  it('exits 2 with one line for a file that cannot be read, not 1 as for a broken chain', () => {
    const missing = join(dir, 'no-such-export.ndjson');
    expect(verify(missing)).toEqual({ status: 2, stdout: '', stderr: `Cannot read ${missing}: ENOENT: no such file or directory, open '${missing}'` });
    expect(verify(dir)).toEqual({ status: 2, stdout: '', stderr: `Cannot read ${dir}: EISDIR: illegal operation on a directory, read` });
  });

  it('calls a line holding JSON that is not an object a broken chain, without a stack', () => {
    const file = join(dir, 'null.ndjson');
    writeFileSync(file, 'null\n');
    expect(verify(file)).toEqual({ status: 1, stdout: 'BROKEN at line 1, version ? (position ?): not a JSON object', stderr: '' });
  });
});
