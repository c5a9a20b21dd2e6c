import { describe, expect, it } from '@jest/globals';
import { OUTAGE_REPORT_EVERY_MS, OutageLog } from './outage-log.js';

function logged() {
  let now = 0;
  const lines: string[] = [];
  const log = new OutageLog({ warn: (line) => lines.push(`warn ${line}`), info: (line) => lines.push(`info ${line}`) }, () => now);
  return { log, lines, advance: (ms: number) => (now += ms) };
}

describe('OutageLog', () => {
  it('says the first failure at once, then one line a half minute with the count left unsaid, and the recovery', () => {
    const { log, lines, advance } = logged();
    for (let second = 0; second < 65; second++) {
      log.failed(`cannot connect (${second})`);
      advance(1_000);
    }
    log.answered('back');
    expect(lines).toEqual([
      'warn cannot connect (0)',
      `warn cannot connect (${OUTAGE_REPORT_EVERY_MS / 1_000}) (29 more errors since the last line)`,
      `warn cannot connect (${(2 * OUTAGE_REPORT_EVERY_MS) / 1_000}) (29 more errors since the last line)`,
      'info back (4 more errors while it did not)',
    ]);
  });

  it('says nothing of an answer without a failure before it, and starts afresh after a recovery', () => {
    const { log, lines, advance } = logged();
    log.answered('back');
    log.failed('lost');
    log.answered('back');
    advance(1_000);
    log.failed('lost again');
    expect(lines).toEqual(['warn lost', 'info back', 'warn lost again']);
  });
});
