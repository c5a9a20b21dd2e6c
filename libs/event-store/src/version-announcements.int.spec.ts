import { createHook } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { ThrowawayRedis, freePort } from '../../../test/support/processes.js';
import { eventually } from '../../../test/support/test-environment.js';
import { type AppendNotice, appendNotice, appendsChannel } from './append-announcements.js';
import { VersionAnnouncer, VersionListener } from './version-announcements.js';
import type { AppendResult } from './postgres-event-store.js';

// A Redis of its own, so the spec can stop and start it.
let redis: ThrowawayRedis;

beforeAll(async () => {
  redis = new ThrowawayRedis(await freePort());
  await redis.start();
});

afterAll(async () => {
  await redis.dispose();
});

function appended(streamId: string, version: number, recordedAt: string): AppendResult {
  return {
    streamId,
    version,
    headHash: 'a'.repeat(64),
    events: [
      {
        position: version,
        transactionId: '1',
        streamId,
        version,
        type: 'A',
        schemaVersion: 1,
        data: {},
        metadata: { eventId: randomUUID(), actor: { keyId: randomUUID(), role: 'team' }, commandType: 'Test', correlationId: 'c', occurredAt: recordedAt, recordedAt },
        previousHash: 'b'.repeat(64),
        hash: 'a'.repeat(64),
      },
    ],
  };
}

it('carries announcements to listeners of its channel only, and again after Redis comes back', async () => {
  const channel = appendsChannel(`pt-spec-${randomUUID()}`);
  const heard: AppendNotice[] = [];
  const otherDeployment: AppendNotice[] = [];
  let reconnects = 0;
  const listener = new VersionListener({ redisUrl: redis.url, channel, subject: 'appends', onNotice: (notice) => heard.push(notice), warn: () => undefined, onReconnect: () => reconnects++ });
  const other = new VersionListener({ redisUrl: redis.url, channel: appendsChannel('pt-spec-other'), subject: 'appends', onNotice: (notice) => otherDeployment.push(notice), warn: () => undefined });
  const announcer = new VersionAnnouncer(redis.url, channel);
  try {
    listener.start();
    other.start();
    const streamId = randomUUID();
    const recordedAt = '2026-11-25T10:00:00.000Z';
    // The announcer connects in the background: announcements before that are dropped, never queued.
    await eventually(async () => {
      announcer.announce(appendNotice(appended(streamId, 1, recordedAt)));
      await new Promise((resolve) => setTimeout(resolve, 50));
      return heard.length > 0;
    }, 10_000, 'the first announcement');
    expect(heard[0]).toEqual({ streamId, version: 1, recordedAt: Date.parse(recordedAt) });
    expect(otherDeployment).toEqual([]);

    await redis.stop();
    announcer.announce(appendNotice(appended(streamId, 2, recordedAt))); // dropped, never thrown
    await redis.start();
    await eventually(async () => reconnects > 0, 15_000, 'the listener to subscribe again');
    heard.length = 0;
    await eventually(async () => {
      announcer.announce(appendNotice(appended(streamId, 3, recordedAt)));
      await new Promise((resolve) => setTimeout(resolve, 50));
      return heard.some((notice) => notice.version === 3);
    }, 15_000, 'an announcement after the restart');
    expect(heard.every((notice) => notice.version === 3)).toBe(true);
  } finally {
    await Promise.all([listener.stop(), other.stop(), announcer.close()]);
  }
});

it('sends the appends of one turn of the event loop as one message, with the latest version of each stream', async () => {
  const channel = appendsChannel(`pt-spec-${randomUUID()}`);
  const messages: string[] = [];
  const heard: AppendNotice[] = [];
  const listener = new VersionListener({ redisUrl: redis.url, channel, subject: 'appends', onNotice: (notice) => heard.push(notice), warn: () => undefined });
  const raw = new Redis(redis.url);
  const announcer = new VersionAnnouncer(redis.url, channel);
  try {
    listener.start();
    raw.on('message', (_channel: string, message: string) => messages.push(message));
    await raw.subscribe(channel);
    const [a, b] = [randomUUID(), randomUUID()];
    const recordedAt = '2026-11-25T10:00:00.000Z';
    await eventually(async () => {
      announcer.announce(appendNotice(appended(a, 1, recordedAt)));
      announcer.announce(appendNotice(appended(b, 1, recordedAt)));
      announcer.announce(appendNotice(appended(a, 3, recordedAt)));
      announcer.announce(appendNotice(appended(a, 2, recordedAt)));
      await new Promise((resolve) => setTimeout(resolve, 50));
      return heard.length > 0;
    }, 10_000, 'the first announcements');
    expect(messages[0]!.split(' ')).toHaveLength(2);
    expect(heard.slice(0, 2)).toEqual([
      { streamId: a, version: 3, recordedAt: Date.parse(recordedAt) },
      { streamId: b, version: 1, recordedAt: Date.parse(recordedAt) },
    ]);
  } finally {
    raw.disconnect();
    await Promise.all([listener.stop(), announcer.close()]);
  }
});

it('sends at most one message per spacing: the first append after a quiet spell at once, those that follow it together', async () => {
  const channel = appendsChannel(`pt-spec-${randomUUID()}`);
  const messages: { at: number; notices: string[] }[] = [];
  const raw = new Redis(redis.url);
  const spacingMs = 300;
  const announcer = new VersionAnnouncer(redis.url, channel, spacingMs);
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  try {
    raw.on('message', (_channel: string, message: string) => messages.push({ at: performance.now(), notices: message.split(' ').map((notice) => notice.split(':').slice(0, 2).join(':')) }));
    await raw.subscribe(channel);
    const [a, b] = [randomUUID(), randomUUID()];
    const recordedAt = '2026-11-25T10:00:00.000Z';
    await eventually(async () => {
      announcer.announce(appendNotice(appended(a, 1, recordedAt)));
      await sleep(50);
      return messages.length > 0;
    }, 10_000, 'the announcer connected');
    await sleep(2 * spacingMs);
    messages.length = 0;

    const quietUntil = performance.now();
    announcer.announce(appendNotice(appended(a, 2, recordedAt)));
    await sleep(50);
    announcer.announce(appendNotice(appended(b, 1, recordedAt)));
    await sleep(50);
    announcer.announce(appendNotice(appended(a, 3, recordedAt)));
    await sleep(2 * spacingMs);

    expect(messages.map(({ notices }) => notices)).toEqual([[`${a}:2`], [`${b}:1`, `${a}:3`]]);
    expect(messages[0]!.at - quietUntil).toBeLessThan(spacingMs / 2);
    // Not before a whole spacing after the first message left (which was after quietUntil).
    expect(messages[1]!.at - quietUntil).toBeGreaterThanOrEqual(spacingMs - 2);
  } finally {
    raw.disconnect();
    await announcer.close();
  }
});

it('close() sends what waits at once and leaves no timer behind to hold the process', async () => {
  const channel = appendsChannel(`pt-spec-${randomUUID()}`);
  const heard: string[] = [];
  const raw = new Redis(redis.url);
  // A spacing far longer than the test: a timer left running by close() would outlive it.
  const announcer = new VersionAnnouncer(redis.url, channel, 60_000);
  // The timers each announce() starts, told apart from every other timer of the process by async_hooks.
  const started = new Set<number>();
  const ended = new Set<number>();
  let announcing = false;
  const hook = createHook({
    init: (id, type) => void (announcing && type === 'Timeout' && started.add(id)),
    destroy: (id) => void ended.add(id),
  }).enable();
  const announce = (notice: AppendResult) => {
    announcing = true;
    try {
      announcer.announce(appendNotice(notice));
    } finally {
      announcing = false;
    }
  };
  try {
    raw.on('message', (_channel: string, message: string) => heard.push(...message.split(' ').map((notice) => notice.split(':').slice(0, 2).join(':'))));
    await raw.subscribe(channel);
    const [a, b] = [randomUUID(), randomUUID()];
    const recordedAt = '2026-11-25T10:00:00.000Z';
    await eventually(async () => {
      announce(appended(a, 1, recordedAt));
      await new Promise((resolve) => setTimeout(resolve, 50));
      return heard.length > 0;
    }, 10_000, 'the announcer connected');
    // Within the spacing of the message just sent: b waits for the next one, on a timer.
    announce(appended(b, 1, recordedAt));
    expect(started.size).toBeGreaterThan(0);

    await announcer.close();
    await eventually(async () => heard.includes(`${b}:1`), 5_000, 'the waiting notice, sent at close');
    await eventually(async () => [...started].every((id) => ended.has(id)), 2_000, 'the spacing timer cleared by close()');
  } finally {
    hook.disable();
    raw.disconnect();
    await announcer.close();
  }
});
