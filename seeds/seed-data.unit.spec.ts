import { describe, expect, it } from '@jest/globals';

import {
  decide,
  evolve,
  initialProjectState,
  latestActual,
  type ProjectCommand,
  type ProjectEvent,
  type ProjectState,
} from '@app/domain';

import { bansuo, buildBansuo } from './projects/bansuo.seed.js';
import { isIsoDate, seedId, type SeedProject } from './seed-project.js';

const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Folds every step through decide and evolve; a refused command fails with its index, type and reason. */
function fold(seed: SeedProject): { state: ProjectState; events: ProjectEvent[] } {
  let state: ProjectState = initialProjectState;
  const events: ProjectEvent[] = [];
  seed.steps.forEach(({ command }, index) => {
    let decided: ProjectEvent[];
    try {
      decided = decide(command, state);
    } catch (error) {
      throw new Error(`${seed.code} step ${index} (${command.type}) was refused: ${(error as Error).message}`);
    }
    for (const event of decided) {
      state = evolve(state, event);
      events.push(event);
    }
  });
  return { state, events };
}

/** Every string in `value` under a key that holds a date (date, dueDate, plannedStart...), with its path. */
function dateFields(value: unknown, path = ''): [string, string][] {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => {
    const at = path === '' ? key : `${path}.${key}`;
    if (typeof inner === 'string' && /(^date$|Date$|^planned(Start|End)$|^periodStart$)/.test(key)) {
      return [[at, inner] as [string, string]];
    }
    return dateFields(inner, at);
  });
}

/** Every id the seed chooses: the project's and those of what its commands create. */
function idsOf(seed: SeedProject): string[] {
  const keys = ['projectId', 'componentId', 'milestoneId', 'indicatorId', 'measurementId'] as const;
  const ids = seed.steps.flatMap(({ command }) => {
    const data = command.data as Partial<Record<(typeof keys)[number], string>>;
    return keys.flatMap((key) => (data[key] === undefined ? [] : [data[key]]));
  });
  return [seed.projectId, ...ids];
}

function commandsOf<T extends ProjectCommand['type']>(seed: SeedProject, type: T) {
  return seed.steps
    .map((step) => step.command)
    .filter((command): command is Extract<ProjectCommand, { type: T }> => command.type === type);
}

describe('seedId', () => {
  it('gives the same id for the same parts, every time and in every process', () => {
    expect(seedId('CN-LA-BANSUO', 'component', 'cattle')).toBe(seedId('CN-LA-BANSUO', 'component', 'cattle'));
    // A golden value: a change to the derivation would change every id already seeded.
    expect(seedId('CN-LA-BANSUO', 'project')).toBe('6638261c-0faf-5019-9b56-d60f13e279fe');
    expect(bansuo.projectId).toBe('6638261c-0faf-5019-9b56-d60f13e279fe');
    expect(seedId('a')).toBe(seedId('a'));
  });

  it('gives valid version 5, RFC 4122 variant UUIDs', () => {
    for (const parts of [['a'], ['CN-LA-BANSUO', 'component', 'cattle'], ['', ''], ['ü', '漢字']]) {
      expect(seedId(...parts)).toMatch(UUID_V5);
    }
  });

  it('gives different ids for different parts, including parts split differently', () => {
    expect(seedId('a', 'bc')).not.toBe(seedId('ab', 'c'));
    expect(seedId('a', 'b')).not.toBe(seedId('a/b'));
    expect(seedId('CN-LA-BANSUO', 'component', 'cattle')).not.toBe(seedId('CN-LA-BANSUO', 'indicator', 'cattle'));
  });

  it('refuses no parts and parts that would make the join ambiguous', () => {
    expect(() => seedId()).toThrow();
    expect(() => seedId('a\u0000b')).toThrow();
  });
});

describe('the Bansuo seed (seed-doc 004)', () => {
  it('names its source and code', () => {
    expect(bansuo.code).toBe('CN-LA-BANSUO');
    expect(bansuo.source).toBe('seed-docs/004_ce5a96a2e1a446d7.txt');
    const [propose] = commandsOf(bansuo, 'ProposeProject');
    expect(propose?.data).toMatchObject({
      projectId: bansuo.projectId,
      code: 'CN-LA-BANSUO',
      country: 'LA',
      sector: '43040',
      location: { village: 'Bansuo', province: 'Vientiane Capital' },
    });
    expect(propose?.data.description).toContain('seed-docs/004');
  });

  it('is accepted command by command, and leaves the project in implementation', () => {
    const { state, events } = fold(bansuo);
    expect(events).toHaveLength(bansuo.steps.length);
    expect(state.status).toBe('implementation');
    if (state.status !== 'implementation') return;
    expect(state.actualStart).toBe('2017-09-01');
    expect(state.approvedOn).toBe('2017-09-01');
    expect(state.lastReason).toContain('launched September 2017 (day not given in the source)');
  });

  it('holds the components, milestones and indicators the document names, every milestone reached', () => {
    const { state } = fold(bansuo);
    if (state.status === 'none') throw new Error('not proposed');
    const components = Object.values(state.components);
    expect(components).toHaveLength(8);
    expect(components.filter((component) => component.kind === 'infrastructure')).toHaveLength(2);
    expect(components.filter((component) => component.kind === 'public_services')).toHaveLength(1);
    expect(components.filter((component) => component.kind === 'industry')).toHaveLength(3);
    expect(components.filter((component) => component.kind === 'capacity_building')).toHaveLength(2);

    const milestones = Object.values(state.milestones);
    expect(milestones).toHaveLength(5);
    for (const milestone of milestones) {
      expect(milestone.status).toBe('reached');
      expect(milestone.reachedOn).toBe('2019-12-31');
      expect(milestone.dueDate).toBe('2019-12-31');
      expect(milestone.evidence).toContain('reported in seed-doc 004; the source gives no date');
    }

    const indicators = Object.values(state.indicators);
    expect(indicators).toHaveLength(6);
    for (const indicator of indicators) {
      expect(indicator.baseline).toEqual({ value: 0, date: '2017-09-01' });
      expect(indicator.measure).toBe(1);
      expect(indicator.description).toContain('target: the reported figure; the source gives no separate target');
      expect(indicator.measurements).toHaveLength(1);
      expect(latestActual(indicator)?.value).toBe(indicator.target.value);
      expect(latestActual(indicator)?.date).toBe('2019-12-31');
    }
  });

  it('records the figures the document gives, and only those', () => {
    const { state } = fold(bansuo);
    if (state.status === 'none') throw new Error('not proposed');
    const indicator = (key: string) => state.indicators[seedId('CN-LA-BANSUO', 'indicator', key)];

    expect(latestActual(indicator('cattle-distributed')!)?.value).toBe(120);
    expect(latestActual(indicator('cattle-households')!)?.value).toBe(40);
    expect(latestActual(indicator('cows-in-calf')!)?.value).toBe(60);
    expect(latestActual(indicator('weaving-members')!)?.value).toBe(20);
    expect(latestActual(indicator('weaving-members')!)?.note).toContain('more than 20');
    expect(latestActual(indicator('weaver-income')!)?.value).toBe(800);
    expect(latestActual(indicator('profit-per-cow')!)?.value).toBe(480);
    expect(indicator('weaver-income')!.resultLevel).toBe(2);
    expect(indicator('profit-per-cow')!.resultLevel).toBe(2);
    expect(indicator('cattle-distributed')!.resultLevel).toBe(1);
    expect(indicator('cattle-distributed')!.componentId).toBe(seedId('CN-LA-BANSUO', 'component', 'cattle'));
  });

  it('has stable ids: building it twice gives the same seed', () => {
    expect(buildBansuo()).toStrictEqual(bansuo);
    expect(idsOf(buildBansuo())).toEqual(idsOf(bansuo));
    expect(bansuo.projectId).toBe(seedId('CN-LA-BANSUO', 'project'));
  });

  it('has valid, distinct UUIDs for every id it chooses', () => {
    const ids = idsOf(bansuo);
    for (const each of ids) expect(each).toMatch(UUID_V5);
    const chosen = [
      bansuo.projectId,
      ...commandsOf(bansuo, 'AddComponent').map((command) => command.data.componentId),
      ...commandsOf(bansuo, 'PlanMilestone').map((command) => command.data.milestoneId),
      ...commandsOf(bansuo, 'DefineIndicator').map((command) => command.data.indicatorId),
      ...commandsOf(bansuo, 'RecordMeasurement').map((command) => command.data.measurementId),
    ];
    expect(new Set(chosen).size).toBe(chosen.length);
  });

  it('has only real YYYY-MM-DD dates, and each step occurs at its business date in order', () => {
    const fields = bansuo.steps.flatMap(({ command }) => dateFields(command.data));
    expect(fields.length).toBeGreaterThan(0);
    for (const [path, value] of fields) {
      expect({ path, value, real: isIsoDate(value) }).toEqual({ path, value, real: true });
    }

    let previous = '';
    for (const { command, occurredAt } of bansuo.steps) {
      expect(occurredAt).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00\.000Z$/);
      expect(new Date(occurredAt).toISOString()).toBe(occurredAt);
      expect(occurredAt >= previous).toBe(true);
      previous = occurredAt;
      const data = command.data as { date?: string };
      if (data.date !== undefined) expect(occurredAt).toBe(`${data.date}T00:00:00.000Z`);
    }
    expect(bansuo.steps[0]?.occurredAt).toBe('2017-09-01T00:00:00.000Z');
  });

  it('neither finalises nor closes the project: the document reports no end', () => {
    const types = bansuo.steps.map((step) => step.command.type);
    for (const type of ['FinaliseProject', 'CloseProject', 'CancelProject', 'SuspendProject'] as const) {
      expect(types).not.toContain(type);
    }
  });
});
