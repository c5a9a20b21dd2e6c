import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ProjectDetailSync } from '@app/read-models';
import { bansuoProposal } from './support/bansuo.js';
import { auth } from './support/api-helpers.js';
import { countEvents, type RunningApi, startApi } from './support/running-api.js';

/**
 * Property-based tests over every read endpoint's query parameters (the write endpoints have their
 * own: write-endpoints.property.e2e.spec.ts). Each generated request names a real project (or,
 * sometimes, none that exists) and gives each of the endpoint's parameters, or a stranger one, a value
 * a hurried script or a hostile caller might send: numbers past what a column holds, in exponent
 * notation, negative or fractional, dates that do not exist, text where a number goes, the parameter
 * repeated, odd Unicode. Whatever comes, the API must never answer 5xx, must answer every error as
 * problem+json with a code, must store nothing (reads are not writes), and must stay ready.
 *
 * Seeded and reproducible: the seed is printed; FC_SEED=<seed> replays the same requests. FC_RUNS sets
 * the requests per endpoint (default 60: 18 endpoints make 1,080 requests a run).
 */
const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 2 ** 31);
const RUNS = Number(process.env.FC_RUNS ?? 60);

let system: RunningApi;
let admin: Record<string, string>;
let projectId: string;
let eventsBefore: number;
let requestsSent = 0;
/** Answers per endpoint and status, printed at the end, so a run shows what it exercised. */
const answers = new Map<string, Map<number, number>>();

beforeAll(async () => {
  system = await startApi('read_property');
  admin = auth(system.adminKey);
  const post = async (path: string, body: object) => (await system.http.post(path).set(admin).send(body).expect((r) => expect(r.status).toBeLessThan(300))).body;
  projectId = (await post('/projects', bansuoProposal())).id;
  await post(`/projects/${projectId}/approve`, { date: '2017-12-01' });
  await post(`/projects/${projectId}/start`, { date: '2018-01-01' });
  await post(`/projects/${projectId}/milestones`, { title: 'Cattle given', dueDate: '2019-01-01' });
  const indicator = (
    await post(`/projects/${projectId}/indicators`, { title: 'Cattle', unit: 'head', measure: 1, resultLevel: 1, baseline: { value: 0 }, target: { value: 120 } })
  ).indicatorId;
  await post(`/projects/${projectId}/indicators/${indicator}/measurements`, { value: 10, date: '2018-06-01' });
  // The API runs without a worker here: the project's views are brought up to its stream as the worker would.
  await new ProjectDetailSync(system.db).sync(projectId);
  eventsBefore = await countEvents(system.db);
  console.info(`read-endpoints property tests: FC_SEED=${SEED} FC_RUNS=${RUNS} (set FC_SEED to replay)`);
});

afterAll(async () => {
  const lines = [...answers].map(([name, tally]) => `  ${name}: ${[...tally].sort(([a], [b]) => a - b).map(([status, n]) => `${status}x${n}`).join(' ')}`);
  console.info(`read-endpoints property tests sent ${requestsSent} generated requests (FC_SEED=${SEED}):\n${lines.join('\n')}`);
  await system?.stop();
});

// ---- generators ----------------------------------------------------------------------------------

/** Values for any query parameter: some plausible, most not. */
const queryValue = fc.oneof(
  fc.integer({ min: -5, max: 2_000 }).map(String),
  fc.constantFrom(
    '0',
    '-1',
    '1.5',
    '1e3',
    '1e30',
    '-1e30',
    '2147483647',
    '2147483648',
    '9007199254740991',
    '9007199254740992',
    '9223372036854775808',
    '99999999999999999999999999',
    'NaN',
    'Infinity',
    '0x10',
    ' 7 ',
    '',
    'true',
    'null',
    '[]',
    '{}',
    '2019-02-30',
    '2019-12-31',
    '2019-12-31T10:00:00Z',
    '2019-12-31T25:61:00+07:00',
    '+275760-09-13T00:00:00Z',
    '9999-12-31T23:59:59.999999999Z',
    '0000-01-01',
    'LA',
    'la',
    'recorded',
    'occurred',
    'MilestoneReached,MeasurementCorrected',
    'MilestoneReached,,NoSuchType',
    'implementation',
    'a'.repeat(5_000),
    '%00',
    '\u0000',
    '\u{1F600}',
    '\uD800',
    '../../etc/passwd',
    "1' OR '1'='1",
  ),
  fc.string({ maxLength: 30 }),
  fc.double({ noNaN: false }).map(String),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
);

const day = fc.date({ min: new Date('2016-01-01'), max: new Date('2027-12-31'), noInvalidDate: true }).map((d) => d.toISOString());
/** What a caller who read the documentation would send for a parameter of this name. */
function plausible(name: string): fc.Arbitrary<string> {
  switch (name) {
    case 'country':
      return fc.constantFrom('LA', 'VN', 'KH');
    case 'status':
      return fc.constantFrom('proposed', 'approved', 'implementation', 'closed');
    case 'basis':
      return fc.constantFrom('recorded', 'occurred');
    case 'unread':
      return fc.constantFrom('true', 'false');
    case 'types':
      return fc.constantFrom('MilestoneReached', 'MeasurementRecorded,ProjectStarted', 'IndicatorDefined');
    case 'hash':
      return fc.stringMatching(/^[0-9a-f]{64}$/);
    case 'projectId':
    case 'keyId':
      return fc.uuid();
    case 'at':
    case 'occurredFrom':
    case 'occurredTo':
      return fc.oneof(day.map((d) => d.slice(0, 10)), day);
    case 'from':
    case 'to':
      // The feed's filters take instants; a diff's ends take a version or an instant.
      return fc.oneof(day.map((d) => d.slice(0, 10)), day, fc.integer({ min: 0, max: 8 }).map(String));
    default:
      return fc.integer({ min: name === 'offset' || name === 'after' || name === 'afterId' ? 0 : 1, max: 8 }).map(String);
  }
}

/**
 * A query string: some of the endpoint's parameters, each plausible or not (some repeated), and
 * sometimes a stranger one.
 */
const queryFor = (declared: readonly string[]) => {
  const parameters = declared.map((name) => name.replace(/^!/, ''));
  const required = parameters.filter((_, index) => declared[index]!.startsWith('!'));
  return fc
    .record({
      given: fc.subarray(parameters.filter((name) => !required.includes(name))).map((optional) => [...required, ...optional]),
      values: fc.tuple(...parameters.map((name) => fc.oneof({ weight: 3, arbitrary: plausible(name) }, { weight: 2, arbitrary: queryValue }))),
      extra: fc.tuple(queryValue, queryValue),
      repeated: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, fc.constant(true)),
      stranger: fc.option(fc.constantFrom('__proto__', 'constructor', 'limit[]', 'sort', 'x'.repeat(300)), { freq: 6 }),
    })
    .map(({ given, values, extra, repeated, stranger }) => {
      const search = new URLSearchParams();
      for (const name of given) search.append(name, values[parameters.indexOf(name)]!);
      if (repeated && given[0]) search.append(given[0], extra[0]);
      if (stranger) search.append(stranger, extra[1]);
      return search.toString();
    });
};

const PERIODS = ['limit', 'offset'] as const;
const FILTERS = ['types', 'from', 'to', 'occurredFrom', 'occurredTo'] as const;

/**
 * Every read endpoint with its query parameters (`!name`: always given, the endpoint requiring it);
 * `{id}` is the project, `{n}` a checkpoint id. An endpoint without parameters is sent stranger ones.
 */
const ENDPOINTS: readonly [string, readonly string[]][] = [
  ['/projects', ['country', 'status', ...PERIODS]],
  ['/projects/{id}', []],
  ['/projects/{id}/timeline', []],
  ['/projects/{id}/events', ['fromVersion', 'limit', ...FILTERS]],
  ['/projects/{id}/events.ndjson', []],
  ['/projects/{id}/state', ['version', 'at', 'basis']],
  ['/projects/{id}/diff', ['from', 'to']],
  ['/projects/{id}/audit', []],
  ['/projects/{id}/iati', ['version', 'at']],
  ['/events', ['after', 'limit', ...FILTERS]],
  ['/iati', ['!country', ...PERIODS]],
  ['/portfolio', []],
  ['/audit/checkpoints', ['afterId', 'limit']],
  ['/audit/checkpoints/{n}/verify', ['hash']],
  ['/audit/access-log', ['afterId', 'limit', 'projectId', 'keyId']],
  ['/notifications', ['limit', 'before', 'unread']],
  ['/subscriptions', [...PERIODS]],
  ['/api-keys', [...PERIODS]],
];

/** The project the path names: usually the real one, sometimes one that does not exist. */
const pathIds = fc.record({
  project: fc.oneof({ weight: 4, arbitrary: fc.constant('') }, fc.uuid()),
  checkpoint: fc.constantFrom('1', '2', '0', '-1', '1e3', '99999999999999999999', 'abc'),
});

function tally(endpoint: string, status: number): void {
  const byStatus = answers.get(endpoint) ?? new Map<number, number>();
  byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
  answers.set(endpoint, byStatus);
}

describe('every read endpoint, under generated query parameters', () => {
  it.each(ENDPOINTS)('GET %s never answers 5xx, answers errors as problem+json, and stores nothing', async (endpoint, parameters) => {
    await fc.assert(
      fc.asyncProperty(queryFor(parameters), pathIds, async (query, ids) => {
        const path = endpoint.replace('{id}', ids.project || projectId).replace('{n}', ids.checkpoint);
        const response = await system.http.get(query ? `${path}?${query}` : path).set(admin);
        requestsSent++;
        tally(endpoint, response.status);
        const what = `GET ${path}?${query.slice(0, 300)} answered ${response.status}: ${response.text.slice(0, 300)}`;
        expect({ what, serverError: response.status >= 500 }).toEqual({ what, serverError: false });
        if (response.status >= 400) {
          expect({ what, contentType: response.headers['content-type'] }).toEqual({ what, contentType: expect.stringMatching(/^application\/problem\+json/) });
          expect({ what, code: typeof response.body.code }).toEqual({ what, code: 'string' });
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    expect(await countEvents(system.db)).toBe(eventsBefore);
  });

  it('leaves the service ready', async () => {
    await system.http.get('/health/ready').expect(200);
  });
});
