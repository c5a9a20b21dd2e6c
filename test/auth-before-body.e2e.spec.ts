import type { Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { bansuoProposal } from './support/bansuo.js';
import { auth, createKey } from './support/api-helpers.js';
import { type RunningApi, expectProblem, startApi } from './support/running-api.js';

/**
 * Who may call comes before what the body holds: a request without a valid key is 401 and a key
 * without the right 403, whatever its body, so a caller the API refuses learns nothing of how it reads
 * bodies and costs no parsing; a caller it accepts hears about its body exactly as before.
 */

let system: RunningApi;
let admin: Record<string, string>;
let projectId: string;
let otherProjectId: string;
let auditorKey: string;
let managerKey: string;
let teamKey: string;
let storedBefore: Record<string, number>;

const UNKNOWN_KEY = `ptk_${'A'.repeat(43)}`;
const SOME_ID = '7d0f0f44-93a4-4c57-9b1e-8f3a6f1f4a10';

beforeAll(async () => {
  system = await startApi('auth_before_body');
  admin = auth(system.adminKey);
  projectId = (await system.http.post('/projects').set(admin).send(bansuoProposal()).expect(201)).body.id;
  otherProjectId = (await system.http.post('/projects').set(admin).send({ ...bansuoProposal(), code: 'OTHER-1' }).expect(201)).body.id;
  auditorKey = await createKey(system, 'auditor');
  managerKey = await createKey(system, 'manager');
  teamKey = await createKey(system, 'team', [otherProjectId]);
});

afterAll(async () => {
  await system?.stop();
});

/** What every refusal below must leave as it was: the events, the keys and the subscriptions. */
async function stored(): Promise<Record<string, number>> {
  const { rows } = await system.db.query<Record<string, number>>(
    'SELECT (SELECT count(*)::int FROM events) AS events, (SELECT count(*)::int FROM api_keys) AS keys, (SELECT count(*)::int FROM subscriptions) AS subscriptions',
  );
  return rows[0]!;
}
beforeEach(async () => {
  storedBefore = await stored();
});
afterEach(async () => {
  expect(await stored()).toEqual(storedBefore);
});

interface BadBody {
  name: string;
  contentType: string;
  bytes: Buffer;
  /** What a caller allowed to send it hears, as it did before authorization came first. */
  answer: { status: number; code: string; detail?: string | RegExp; errors: { field: string; message: string | RegExp }[] };
  encoding?: string;
}

const JSON_TYPE = 'application/json';
const json = (text: string) => Buffer.from(text);
const component = json('{"name":"x","kind":"industry"}');
const matching = (pattern: RegExp) => expect.stringMatching(pattern) as unknown as string;
const invalid = (field: string, message: string) => ({ status: 400, code: 'REQUEST.INVALID', errors: [{ field, message }] });
const mustBeObject = [{ field: 'body', message: 'must be a JSON object' }];
const notUtf8Json = { field: 'header:Content-Type', message: 'must be application/json in UTF-8' };
const reserved = '__proto__ is a reserved name and may not be used as a key';
const tooLarge = { status: 413, code: 'REQUEST.TOO_LARGE', detail: 'The body is larger than the limit of 1048576 bytes.', errors: [{ field: 'body', message: 'must be at most 1048576 bytes' }] };
const bomb = gzipSync(JSON.stringify({ name: 'x', kind: 'industry', description: '0'.repeat(2 * 1024 * 1024) }));

const rows: [string, string, Buffer, BadBody['answer'], string?][] = [
  ['malformed JSON', JSON_TYPE, json('{"name": '), { status: 400, code: 'REQUEST.MALFORMED_JSON', detail: /^The body is not valid JSON: /, errors: mustBeObject }],
  [
    'bytes that are not UTF-8',
    JSON_TYPE,
    Buffer.concat([json('{"name":"Cattle '), Buffer.from([0xff, 0xfe]), json(' group","kind":"industry"}')]),
    { status: 400, code: 'REQUEST.MALFORMED_JSON', detail: 'The body is not valid JSON: it is not UTF-8, as JSON text must be.', errors: mustBeObject },
  ],
  ['a body 40 levels deep', JSON_TYPE, json(`{"name":${'['.repeat(40)}${']'.repeat(40)}}`), { status: 400, code: 'REQUEST.TOO_DEEP', errors: [{ field: matching(/^name(\.0)+$/), message: 'nests deeper than 32 levels of objects and arrays' }] }],
  ['a __proto__ key', JSON_TYPE, json('{"name":"x","kind":"industry","__proto__":{"polluted":true}}'), { status: 400, code: 'REQUEST.FORBIDDEN_KEY', detail: `The request is invalid: __proto__: ${reserved}.`, errors: [{ field: '__proto__', message: reserved }] }],
  ['a NUL character', JSON_TYPE, json('{"name":"Weaving\\u0000 group","kind":"industry"}'), invalid('name', 'must not contain the NUL character (U+0000)')],
  ['a lone surrogate', JSON_TYPE, json('{"name":"Weaving group \\ud83d","kind":"industry"}'), invalid('name', matching(/lone UTF-16 surrogate/))],
  ['an object of 101 keys', JSON_TYPE, json(JSON.stringify(Object.fromEntries(Array.from({ length: 101 }, (_, n) => [`k${n}`, 0])))), invalid('body', 'has more than 100 keys')],
  ['an array of 1,001 items', JSON_TYPE, json(JSON.stringify({ name: 'x', kind: 'industry', list: Array.from({ length: 1_001 }, () => 0) })), invalid('list', 'has more than 1000 items')],
  ['a top-level array', JSON_TYPE, json('[{"name":"x","kind":"industry"}]'), { ...invalid('body', 'must be a JSON object'), detail: 'The body must be a JSON object.' }],
  [
    'a text body',
    'text/plain',
    component,
    { status: 415, code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE', detail: 'Send the body as JSON with "Content-Type: application/json" (got "text/plain").', errors: [{ field: 'header:Content-Type', message: 'must be application/json' }] },
  ],
  ['a charset other than UTF-8', `${JSON_TYPE}; charset=latin1`, component, { status: 415, code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE', errors: [notUtf8Json] }],
  ['a body that is not the gzip it says', JSON_TYPE, component, { status: 400, code: 'REQUEST.MALFORMED_BODY', errors: [{ field: 'body', message: 'must be compressed as Content-Encoding says' }] }, 'gzip'],
  ['an unknown content encoding', JSON_TYPE, component, { status: 415, code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE', errors: [notUtf8Json] }, 'compress'],
  ['a gzip that inflates past the limit', JSON_TYPE, bomb, tooLarge, 'gzip'],
];
const BAD_BODIES: BadBody[] = rows.map(([name, contentType, bytes, answer, encoding]) => ({ name, contentType, bytes, answer, encoding }));

function send(path: string, body: BadBody, headers: Record<string, string>) {
  const post = system.http.post(path).set(headers).set('Content-Type', body.contentType);
  if (body.encoding) post.set('Content-Encoding', body.encoding);
  // superagent would serialise a Buffer as JSON; send the bytes as they are.
  return post.serialize((bytes: Buffer) => bytes as unknown as string).send(body.bytes);
}

const components = () => `/projects/${projectId}/components`;

describe.each(BAD_BODIES)('$name', (body) => {
  it('is 401 without a key, naming no body problem', async () => {
    const response = await send(components(), body, {});
    expect(expectProblem(response, 401)).toMatchObject({ code: 'HTTP.UNAUTHORIZED', detail: 'Send an API key as "Authorization: Bearer <key>".' });
    expect(response.body.errors).toBeUndefined();
    expect(response.headers['www-authenticate']).toBe('Bearer realm="Project Tracker"');
  });

  it('is 401 with an unknown key', async () => {
    const response = await send(components(), body, auth(UNKNOWN_KEY));
    expect(expectProblem(response, 401)).toMatchObject({ code: 'HTTP.UNAUTHORIZED', detail: 'The API key is unknown, revoked or expired.' });
    expect(response.headers['www-authenticate']).toBe('Bearer realm="Project Tracker", error="invalid_token"');
  });

  it('is 403 from a key whose role may not run the command, or may not run it on this project', async () => {
    expect(expectProblem(await send(components(), body, auth(auditorKey)), 403).code).toBe('HTTP.FORBIDDEN');
    expect(expectProblem(await send(components(), body, auth(teamKey)), 403).code).toBe('HTTP.FORBIDDEN');
    expect(expectProblem(await send('/projects', body, auth(auditorKey)), 403).code).toBe('HTTP.FORBIDDEN');
    // A route only admins take (@Roles).
    expect(expectProblem(await send('/api-keys', body, auth(managerKey)), 403).code).toBe('HTTP.FORBIDDEN');
  });

  it('is answered as before to a key allowed to send it', async () => {
    for (const [path, key] of [[components(), admin], [components(), auth(managerKey)], ['/projects', admin], ['/api-keys', admin]] as const) {
      const problem = expectProblem(await send(path, body, key), body.answer.status);
      expect(problem).toMatchObject({ code: body.answer.code, errors: body.answer.errors });
      if (typeof body.answer.detail === 'string') expect(problem.detail).toBe(body.answer.detail);
      else if (body.answer.detail) expect(problem.detail).toMatch(body.answer.detail);
    }
  });
});

describe('a key recalled from memory', () => {
  it('is 401 with a bad body once revoked, not 400', async () => {
    const key = (await system.http.post('/api-keys').set(admin).send({ name: 'Recalled', role: 'manager' }).expect(201)).body;
    // A command, so that the key is remembered, then revoked.
    await system.http.post(`/projects/${projectId}/milestones`).set(auth(key.secret)).send({ title: 'Bridge', dueDate: '2019-06-30' }).expect(201);
    await system.http.delete(`/api-keys/${key.id}`).set(admin).expect(204);
    storedBefore = await stored();
    const response = await send(components(), BAD_BODIES[0]!, auth(key.secret));
    expect(expectProblem(response, 401).detail).toBe('The API key is unknown, revoked or expired.');
  });
});

describe('a declared length over the limit', () => {
  it('is 413 at once, key or no key: answering it reads nothing', async () => {
    const big = JSON.stringify({ name: 'x', kind: 'industry', description: 'x'.repeat(2 * 1024 * 1024) });
    for (const key of [{}, auth(UNKNOWN_KEY), auth(auditorKey), admin]) {
      const response = await system.http.post(components()).set(key).set('Content-Type', 'application/json').send(big);
      expect(expectProblem(response, 413).code).toBe('REQUEST.TOO_LARGE');
    }
  });
});

describe('a body still arriving when the request is refused', () => {
  it('is not read to its end: the connection closes after the 401 or 403', async () => {
    const server = system.api.getHttpServer() as Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      for (const [key, status] of [[undefined, 401], [auditorKey, 403]] as const) {
        const socket = connect(port, '127.0.0.1');
        socket.on('error', () => undefined);
        const authorization = key ? `Authorization: Bearer ${key}\r\n` : '';
        socket.write(`POST ${components()} HTTP/1.1\r\nHost: 127.0.0.1\r\n${authorization}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
        // A body that never ends: a chunk every 10 ms, for as long as the connection is open.
        const chunk = `400\r\n${' '.repeat(1024)}\r\n`;
        socket.write(`1\r\n{\r\n`);
        const sending = setInterval(() => socket.writable && socket.write(chunk), 10);
        let received = '';
        socket.on('data', (data: Buffer) => (received += data.toString()));
        const ended = await new Promise<boolean>((resolve) => {
          socket.once('end', () => resolve(true));
          socket.once('close', () => resolve(true));
          setTimeout(() => resolve(false), 3_000);
        });
        clearInterval(sending);
        socket.destroy();
        expect({ status: Number(received.split(' ')[1]), ended }).toEqual({ status, ended: true });
        expect(received).toMatch(/\r\nconnection: close\r\n/i);
      }
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('routes that take no key', () => {
  it('still refuse a bad body as before', async () => {
    const unsubscribe = await system.http.post(`/unsubscribe/${SOME_ID}?token=abc`).set('Content-Type', 'application/json').send('{"x":');
    expect(expectProblem(unsubscribe, 415)).toMatchObject({ code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE', detail: expect.stringContaining('List-Unsubscribe=One-Click') });
    const text = await system.http.post(`/unsubscribe/${SOME_ID}?token=abc`).set('Content-Type', 'text/plain').send('unsubscribe me');
    expect(expectProblem(text, 415).code).toBe('REQUEST.UNSUPPORTED_MEDIA_TYPE');
    const probe = await system.http.get('/health').set('Content-Type', 'application/json').send('{"x":');
    expect(expectProblem(probe, 400).code).toBe('REQUEST.MALFORMED_JSON');
    // A form, which the link takes without reading it, goes on to the link's own check.
    const form = await system.http.post(`/unsubscribe/${SOME_ID}?token=abc`).type('form').send('List-Unsubscribe=One-Click');
    expect(expectProblem(form, 404).code).toBe('SUBSCRIPTION.UNSUBSCRIBE_LINK_INVALID');
  });
});

describe('the queue board', () => {
  it('reads a body only from an admin, and refuses a bad one as the API does', async () => {
    const add = (key: Record<string, string>) =>
      system.http.post('/admin/queues/api/queues/projections/add').set(key).set('Content-Type', JSON_TYPE).send('{"name": ');
    const anonymous = await add({});
    expectProblem(anonymous, 401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Basic /);
    expect(expectProblem(await add(auth(auditorKey)), 403).detail).toBe('The queue board is for admin keys.');
    expect(expectProblem(await add(admin), 400).code).toBe('REQUEST.MALFORMED_JSON');
  });
});

describe('what the operators see', () => {
  it('counts a refusal under the status it was answered with, on its route', async () => {
    await send('/projects', BAD_BODIES[0]!, {}).expect(401);
    await send('/projects', BAD_BODIES[0]!, auth(auditorKey)).expect(403);
    const metrics = (await system.http.get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/project_tracker_http_request_duration_seconds_count\{method="POST",route="\/projects",status="401"\} [1-9]/);
    expect(metrics).toMatch(/project_tracker_http_request_duration_seconds_count\{method="POST",route="\/projects",status="403"\} [1-9]/);
  });
});
