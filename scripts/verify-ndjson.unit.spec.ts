import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';

describe('docs/verify-export.md', () => {
  it('carries scripts/verify-ndjson.mjs verbatim, so the documented script is the tested one', () => {
    const script = readFileSync('scripts/verify-ndjson.mjs', 'utf8');
    const doc = readFileSync('docs/verify-export.md', 'utf8');
    const block = /```js\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(block).toBe(script);
  });
});
