import 'reflect-metadata';

import { describe, expect, it } from '@jest/globals';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

import {
  decide,
  decisionContextAt,
  evolve,
  initialProjectState,
  isMilestoneOverdue,
  latestActual,
  type Project,
  type ProjectCommand,
  type ProjectEvent,
  type ProjectState,
} from '@app/domain';

import { AddComponentDto } from '../apps/api/src/projects/dto/component.dto.js';
import { DefineIndicatorDto, ReviseIndicatorTargetDto } from '../apps/api/src/projects/dto/indicator.dto.js';
import { LifecycleDto } from '../apps/api/src/projects/dto/lifecycle.dto.js';
import { CorrectMeasurementDto, RecordMeasurementDto } from '../apps/api/src/projects/dto/measurement.dto.js';
import {
  PlanMilestoneDto,
  ReachMilestoneDto,
  RescheduleMilestoneDto,
  WaiveMilestoneDto,
} from '../apps/api/src/projects/dto/milestone.dto.js';
import { RevisePlannedDatesDto } from '../apps/api/src/projects/dto/planned-dates.dto.js';
import { ProposeProjectDto } from '../apps/api/src/projects/dto/propose-project.dto.js';
import { SEED_SECTORS } from './dac-sectors.js';
import { buildSeedProjects, SEED_PROJECTS } from './index.js';
import { bansuo, buildBansuo } from './projects/bansuo.seed.js';
import { cddComplaintMechanismResearch } from './projects/cdd-complaint-mechanism-research.seed.js';
import { cddMechanismStudy } from './projects/cdd-mechanism-study.seed.js';
import { childPovertyStudy } from './projects/child-poverty-study.seed.js';
import { chinaDacStudyGroup } from './projects/china-dac-study-group.seed.js';
import { communityDevelopmentFundResearch } from './projects/community-development-fund-research.seed.js';
import { cambodiaSite, myanmarSite } from './projects/east-asia-demonstration-sites.seed.js';
import { eastAsiaPilot } from './projects/east-asia-pilot.seed.js';
import { financialCrisisStudy } from './projects/financial-crisis-study.seed.js';
import { ghanaPilot } from './projects/ghana-pilot.seed.js';
import { lmcCddResearch } from './projects/lmc-cdd-research.seed.js';
import { ngoReconstructionResearch } from './projects/ngo-reconstruction-research.seed.js';
import { povertyReductionInternationalisationResearch } from './projects/poverty-reduction-internationalisation-research.seed.js';
import { tanzaniaCooperation } from './projects/tanzania-cooperation.seed.js';
import { trainingCourses2009 } from './projects/training-courses-2009.seed.js';
import { undpFundedStudies } from './projects/undp-funded-studies.seed.js';
import { xianglong } from './projects/xianglong.seed.js';
import { isIsoDate, seedId, type SeedProject } from './seed-project.js';

const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Folds every step through decide and evolve; a refused command fails with its index, type and reason. */
function fold(seed: SeedProject): { state: ProjectState; events: ProjectEvent[] } {
  // Seeds are recorded on the real day: their dates must pass the rules as they stand today.
  const context = decisionContextAt(new Date());
  let state: ProjectState = initialProjectState;
  const events: ProjectEvent[] = [];
  seed.steps.forEach(({ command }, index) => {
    let decided: ProjectEvent[];
    try {
      decided = decide(command, state, context);
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

/** The ids a seed chooses for what it creates (the project, components, milestones, indicators, measurements). */
function chosenIds(seed: SeedProject): string[] {
  return [
    seed.projectId,
    ...seed.steps.flatMap(({ command }) => {
      switch (command.type) {
        case 'AddComponent':
          return [command.data.componentId];
        case 'PlanMilestone':
          return [command.data.milestoneId];
        case 'DefineIndicator':
          return [command.data.indicatorId];
        case 'RecordMeasurement':
        case 'CorrectMeasurement':
          return [command.data.measurementId];
        default:
          return [];
      }
    }),
  ];
}

/** The project a seed leaves, which must exist. */
function projectOf(seed: SeedProject): Project {
  const { state } = fold(seed);
  if (state.status === 'none') throw new Error(`${seed.code} proposes no project`);
  return state;
}

type Dto = new () => object;

/**
 * The API request that would have carried `command`: its DTO class and body. The controller builds each
 * command as `{ ...ids from the path or generated, ...body }`, so the body is the data without those ids.
 */
function apiRequestOf(command: ProjectCommand): [Dto, object] {
  const without = <T extends object>(data: T, ...keys: (keyof T)[]): object =>
    Object.fromEntries(Object.entries(data).filter(([key]) => !keys.includes(key as keyof T)));
  switch (command.type) {
    case 'ProposeProject':
      return [ProposeProjectDto, without(command.data, 'projectId')];
    case 'ApproveProject':
    case 'StartProject':
    case 'SuspendProject':
    case 'ResumeProject':
    case 'FinaliseProject':
    case 'CloseProject':
    case 'CancelProject':
      return [LifecycleDto, command.data];
    case 'RevisePlannedDates':
      return [RevisePlannedDatesDto, command.data];
    case 'AddComponent':
      return [AddComponentDto, without(command.data, 'componentId')];
    case 'PlanMilestone':
      return [PlanMilestoneDto, without(command.data, 'milestoneId')];
    case 'ReachMilestone':
      return [ReachMilestoneDto, without(command.data, 'milestoneId')];
    case 'RescheduleMilestone':
      return [RescheduleMilestoneDto, without(command.data, 'milestoneId')];
    case 'WaiveMilestone':
      return [WaiveMilestoneDto, without(command.data, 'milestoneId')];
    case 'DefineIndicator':
      return [DefineIndicatorDto, without(command.data, 'indicatorId')];
    case 'ReviseIndicatorTarget':
      return [ReviseIndicatorTargetDto, without(command.data, 'indicatorId')];
    case 'RecordMeasurement':
      return [RecordMeasurementDto, without(command.data, 'indicatorId', 'measurementId')];
    case 'CorrectMeasurement':
      return [CorrectMeasurementDto, without(command.data, 'indicatorId', 'measurementId', 'correctsMeasurementId')];
    default: {
      const unhandled: never = command;
      throw new Error(`No API request for ${(unhandled as { type: string }).type}`);
    }
  }
}

/** What the API's validation pipe would refuse in `body`, as `field: constraint` strings (none when valid). */
function apiRefusals(dto: Dto, body: object): string[] {
  const errors = validateSync(plainToInstance(dto, body), {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
  });
  const flatten = (list: typeof errors, parent: string): string[] =>
    list.flatMap((error) => {
      const field = parent ? `${parent}.${error.property}` : error.property;
      return [
        ...Object.values(error.constraints ?? {}).map((message) => `${field}: ${message}`),
        ...flatten(error.children ?? [], field),
      ];
    });
  return flatten(errors, '');
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

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
    // Averages: broken down by sex, each group has its own (the README's "income per weaver" example).
    expect(indicator('weaver-income')!.sexBreakdown).toBe('per-group');
    expect(indicator('profit-per-cow')!.sexBreakdown).toBe('per-group');
    expect(indicator('cattle-households')!.sexBreakdown ?? 'adds-up').toBe('adds-up');
    expect(indicator('cattle-distributed')!.resultLevel).toBe(1);
    expect(indicator('cattle-distributed')!.componentId).toBe(seedId('CN-LA-BANSUO', 'component', 'cattle'));
  });

  it('has more than ten events, and the business dates of the document', () => {
    expect(fold(bansuo).events.length).toBeGreaterThan(10);
    expect(bansuo.steps[0]?.occurredAt).toBe('2017-09-01T00:00:00.000Z');
    expect(buildBansuo()).toStrictEqual(bansuo);
  });

  it('neither finalises nor closes the project: the document reports no end', () => {
    const types = bansuo.steps.map((step) => step.command.type);
    for (const type of ['FinaliseProject', 'CloseProject', 'CancelProject', 'SuspendProject'] as const) {
      expect(types).not.toContain(type);
    }
  });
});

/** The project id of every seed, as already seeded into databases: `seedId(code, 'project')`. */
const GOLDEN_PROJECT_IDS: Record<string, string> = {
  'CN-LA-BANSUO': '6638261c-0faf-5019-9b56-d60f13e279fe',
  'CN-LA-XIANGLONG': 'b2af8b68-ad7e-522e-92ea-b3f93910d177',
  'CN-KH-EAPR-DEMO': '356baf2d-55ac-588d-9f16-89c85e28aa18',
  'CN-MM-EAPR-DEMO': 'e6206c5b-df1a-5518-9c16-47d8fbc71d03',
  'CN-EAPR-PILOT': '42b4d32c-ef53-523e-8797-311352313df1',
  'CN-LA-LMC-CDD-RESEARCH': '16afc8ce-281c-51fd-9ebd-e008d83cadc6',
  'CN-FCPMC-CDF-RESEARCH': 'e31e3fb3-bf6d-5687-b278-1d7a50816aea',
  'CN-LGOP-UNICEF-CRISIS-STUDY': 'fe6e04ad-fd59-575f-b02c-5dee18a2c306',
  'CN-LGOP-UNICEF-CHILD-POVERTY': '1d1fc3b1-7e49-5ad1-9854-d74838f1caf0',
  'CN-FCPMC-CDD-MECHANISM-STUDY': '3b8beea0-0cea-504c-9cf1-53d0a584dc51',
  'CN-FCPMC-ADB-NGO-RECONSTRUCTION': 'cbe6a87f-bb5c-5a40-b1d3-4ea68833eee6',
  'CN-FCPMC-TAF-CDD-COMPLAINT': '00d7f36b-3b2c-50a9-bca1-5eccfa275df4',
  'CN-IPRCC-OECD-DAC-STUDY-GROUP': '0aa1ec5d-9dbe-59b1-9d0a-8d9468c0f88e',
  'CN-IPRCC-UNDP-STUDIES': '62771425-302d-5366-a143-fc354af9dc73',
  'CN-IPRCC-INTERNATIONALISATION-RESEARCH': '95bb1341-ca76-5f28-aa28-5c42ea64b3ae',
  'CN-GH-PILOT': 'a5a63362-1302-5d27-8d61-7f74dcbe4425',
  'CN-TZ-COOPERATION': '4df1b245-8ac5-531f-b3b3-b594c406a86c',
  'CN-IPRCC-2009-SCO-SEMINAR': '75ddcc2c-75d8-5641-a13d-fb4212983b62',
  'CN-IPRCC-2009-AFRICA-OFFICIALS': '0211979e-75c6-58b2-8c6c-ad5880f1f896',
  'CN-IPRCC-2009-CHINA-AFRICA-HIGH-LEVEL': '4697484b-dea1-5b8a-a24e-d2aa82d76db8',
  'CN-IPRCC-2009-ENVIRONMENT-TRAINING': '8cf05e67-e715-5b33-92d9-b5592481dbcd',
  'CN-IPRCC-2009-IFAD-SOUTH-SOUTH': '5b5351be-0f42-59f7-861a-ca82a4aa4512',
  'CN-IPRCC-2009-DIRECTORS-SEMINAR': '97161443-ba8b-5bd6-b794-9f80b2494ae7',
  'CN-IPRCC-2009-CHILD-POVERTY-SEMINAR': 'a002ae15-bc3e-5f81-83e5-23fb6fdecae8',
  'CN-IPRCC-2009-ACD-SEMINAR': 'aaea70ca-eb8e-5364-903a-6c3d666f455c',
  'CN-IPRCC-2009-DEVELOPMENT-POLICY-SEMINAR': 'fe3da25a-abf0-5efa-81e7-9a73f679d4b7',
  'CN-IPRCC-2009-POST-DISASTER-WORKSHOP': 'd90942dc-ff45-5952-be05-bc7ae9bee1b6',
};

describe('every seed project', () => {
  it('is registered once, with unique codes and project ids, Bansuo first', () => {
    expect(SEED_PROJECTS[0]).toBe(SEED_PROJECTS.find((seed) => seed.code === 'CN-LA-BANSUO'));
    const codes = SEED_PROJECTS.map((seed) => seed.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(new Set(SEED_PROJECTS.map((seed) => seed.projectId)).size).toBe(SEED_PROJECTS.length);
    for (const seed of [xianglong, cambodiaSite, myanmarSite, eastAsiaPilot, lmcCddResearch, ghanaPilot, tanzaniaCooperation]) {
      expect(codes).toContain(seed.code);
    }
  });

  it('covers the projects of every source document the product was made for, and all 21 of seed-doc 003', () => {
    const bySource = (prefix: string) => SEED_PROJECTS.filter((seed) => seed.source.startsWith(`seed-docs/${prefix}_`));
    expect(bySource('000')).toHaveLength(1);
    expect(bySource('001')).toHaveLength(1);
    expect(bySource('004').map((seed) => seed.code)).toEqual([
      'CN-LA-BANSUO',
      'CN-LA-XIANGLONG',
      'CN-KH-EAPR-DEMO',
      'CN-MM-EAPR-DEMO',
    ]);
    // Its nine research projects, two pilot projects (Ghana, Tanzania) and ten training courses.
    const doc003 = bySource('003');
    expect(doc003).toHaveLength(21);
    expect(doc003.filter((seed) => seed.code.startsWith('CN-IPRCC-2009-'))).toHaveLength(10);
    expect(doc003.filter((seed) => seed.code === 'CN-GH-PILOT' || seed.code === 'CN-TZ-COOPERATION')).toHaveLength(2);
  });

  it('has stable ids: building the seeds again gives the same seeds, and the project ids are the ones already seeded', () => {
    expect(buildSeedProjects()).toStrictEqual(SEED_PROJECTS);
    // Golden values: a project id that changed would seed the project a second time under a new id.
    expect(Object.fromEntries(SEED_PROJECTS.map((seed) => [seed.code, seed.projectId]))).toEqual(GOLDEN_PROJECT_IDS);
  });

  it('are checked against the API the way its validation pipe checks a request (the check can fail)', () => {
    const [dto, body] = apiRequestOf(xianglong.steps[0]!.command);
    expect(apiRefusals(dto, body)).toEqual([]);
    expect(apiRefusals(dto, { ...body, country: 'Laos', projectId: xianglong.projectId })).toEqual([
      expect.stringMatching(/^projectId: /),
      expect.stringMatching(/^country: /),
    ]);
    expect(apiRefusals(LifecycleDto, { date: '2019-02-30', reason: '' })).toHaveLength(2);
  });

  it('chooses valid, distinct UUIDs across all seeds', () => {
    const ids = SEED_PROJECTS.flatMap(chosenIds);
    for (const id of ids) expect(id).toMatch(UUID_V5);
    expect(new Set(ids).size).toBe(ids.length);
  });

  describe.each(SEED_PROJECTS.map((seed) => [seed.code, seed] as const))('%s', (code, seed) => {
    it('is accepted command by command through decide and evolve, one event per step', () => {
      const { state, events } = fold(seed);
      expect(events).toHaveLength(seed.steps.length);
      expect(state.status).not.toBe('none');
    });

    it('proposes itself first, with its code and id, naming its source document in the description', () => {
      expect(seed.source).toMatch(/^seed-docs\/00[0-4]_[0-9a-f]{16}\.txt$/);
      expect(seed.projectId).toBe(seedId(code, 'project'));
      const [first] = seed.steps;
      expect(first?.command.type).toBe('ProposeProject');
      const propose = commandsOf(seed, 'ProposeProject');
      expect(propose).toHaveLength(1);
      expect(propose[0]?.data).toMatchObject({ projectId: seed.projectId, code });
      expect(propose[0]?.data.description).toContain(seed.source);
    });

    it('has a real ISO 3166-1 country and an OECD DAC purpose code from the documented list', () => {
      const { country, sector } = projectOf(seed);
      expect(country).toMatch(/^[A-Z]{2}$/);
      expect(regionNames.of(country)).not.toBe(country);
      expect(Object.keys(SEED_SECTORS)).toContain(sector);
    });

    it('sends only requests the API would accept', () => {
      const refusals = seed.steps.flatMap(({ command }, index) => {
        const [dto, body] = apiRequestOf(command);
        return apiRefusals(dto, body).map((refusal) => `step ${index} (${command.type}) ${refusal}`);
      });
      expect(refusals).toEqual([]);
    });

    it('has only real YYYY-MM-DD dates, and each step occurs at its business date, in order', () => {
      const fields = seed.steps.flatMap(({ command }) => dateFields(command.data));
      expect(fields.length).toBeGreaterThan(0);
      for (const [path, value] of fields) {
        expect({ path, value, real: isIsoDate(value) }).toEqual({ path, value, real: true });
      }
      let previous = '';
      for (const { command, occurredAt } of seed.steps) {
        expect(occurredAt).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00\.000Z$/);
        expect(new Date(occurredAt).toISOString()).toBe(occurredAt);
        expect(occurredAt >= previous).toBe(true);
        previous = occurredAt;
        const data = command.data as { date?: string };
        if (data.date !== undefined) expect(occurredAt).toBe(`${data.date}T00:00:00.000Z`);
      }
      // Historical: nothing is dated after the newest source (2020) or "today".
      expect(previous < '2021-01-01').toBe(true);
    });

    it('never suspends or cancels: no source reports either', () => {
      const types = seed.steps.map((step) => step.command.type);
      expect(types).not.toContain('SuspendProject');
      expect(types).not.toContain('CancelProject');
    });
  });
});

describe('the Xianglong seed (seed-doc 004)', () => {
  it('holds only what the document says of Xianglong: launched September 2017, three work streams, no results', () => {
    const project = projectOf(xianglong);
    expect(project).toMatchObject({
      code: 'CN-LA-XIANGLONG',
      status: 'implementation',
      country: 'LA',
      sector: '43040',
      location: { village: 'Xianglong', province: 'Luang Prabang' },
      approvedOn: '2017-09-01',
      actualStart: '2017-09-01',
    });
    expect(project.lastReason).toContain('launched September 2017 (day not given in the source)');
    expect(Object.values(project.components).map((component) => component.kind)).toEqual([
      'infrastructure',
      'public_services',
      'capacity_building',
    ]);
    expect(project.milestones).toEqual({});
    expect(project.indicators).toEqual({});
    expect(project.participatingOrganisations).toEqual(projectOf(bansuo).participatingOrganisations);
    expect(project.description).toContain('Prabang Province');
  });
});

describe('the Cambodia and Myanmar demonstration sites (seed-doc 004)', () => {
  it.each([
    ['Cambodia', cambodiaSite, 'KH'],
    ['Myanmar', myanmarSite, 'MM'],
  ] as const)('%s has the four activities of the document, proposed in 2014 and reported started', (name, seed, country) => {
    const project = projectOf(seed);
    expect(project).toMatchObject({ country, status: 'implementation', actualStart: '2019-12-31', sector: '43040' });
    expect(project.title).toContain(name);
    expect(seed.steps[0]?.occurredAt).toBe('2014-01-01T00:00:00.000Z');
    expect(project.description).toContain('2014 (year only)');
    expect(project.lastReason).toContain('the source gives no date');
    expect(Object.values(project.components).map((component) => [component.kind, component.name])).toEqual([
      ['infrastructure', 'Infrastructure construction'],
      ['public_services', 'Community public services'],
      ['industry', 'Industrial development'],
      ['capacity_building', 'Village capacity-building'],
    ]);
    expect(project.milestones).toEqual({});
    expect(project.indicators).toEqual({});
  });
});

describe('the East Asia Poverty Reduction Cooperation Pilot Project (seed-doc 001)', () => {
  it('has the implementers in Guangxi, Yunnan and Sichuan and the summary meeting of 4 November reached', () => {
    const project = projectOf(eastAsiaPilot);
    expect(project).toMatchObject({ country: 'CN', status: 'implementation', actualStart: '2020-11-04' });
    const implementers = project.participatingOrganisations.filter((organisation) => organisation.role === 4);
    expect(implementers.map((organisation) => organisation.name)).toEqual([
      expect.stringContaining('Guangxi'),
      expect.stringContaining('Yunnan'),
      expect.stringContaining('Sichuan'),
    ]);
    expect(project.participatingOrganisations.filter((organisation) => organisation.role === 1)).toEqual([]);

    const milestones = Object.values(project.milestones);
    const meeting = milestones.find((milestone) => milestone.title.startsWith('Meeting of Achievement Summary'));
    expect(meeting).toMatchObject({ status: 'reached', reachedOn: '2020-11-04' });
    expect(meeting?.evidence).toContain('Chengdu');
    expect(project.description).toContain('year not given; 2020 assumed');
  });

  it('plans the evaluation and the experience dissemination the meeting required, neither reported reached', () => {
    const project = projectOf(eastAsiaPilot);
    const required = Object.values(project.milestones).filter((milestone) => milestone.status === 'planned');
    expect(required.map((milestone) => milestone.title)).toEqual([
      'Project evaluation',
      'Project summary and experience dissemination',
    ]);
    for (const milestone of required) {
      expect(milestone.dueDate).toBe('2020-11-04');
      expect(milestone.description).toContain('The source gives no due date');
      expect(isMilestoneOverdue(milestone, project.status, '2026-01-01')).toBe(true);
    }
  });
});

describe('the CDD research under Lancang-Mekong Cooperation (seed-doc 000)', () => {
  it('records the online meeting of 24 July 2020: 20 participants, 7 of them women, the rest not broken down', () => {
    const project = projectOf(lmcCddResearch);
    expect(project).toMatchObject({ country: 'LA', status: 'implementation', actualStart: '2020-01-01' });
    const [participants] = Object.values(project.indicators);
    const measurement = latestActual(participants!);
    expect(measurement).toMatchObject({ value: 20, date: '2020-07-24' });
    // How many of the other 13 were men the source does not say: no male part, not a male part of 0.
    expect(measurement?.disaggregation).toEqual({ female: 7, unknown: 13 });
    const command = commandsOf(lmcCddResearch, 'RecordMeasurement')[0];
    expect(command?.data).toMatchObject({ value: 20, disaggregation: { female: 7 } });
    const [meeting] = Object.values(project.milestones);
    expect(meeting).toMatchObject({ status: 'reached', reachedOn: '2020-07-24' });
    expect(project.lastReason).toContain('in beginning of 2020');
  });
});

describe('the seed-doc 003 projects', () => {
  it('record the Ford Foundation research from May 2008 to March 2009 and its book of July 2009', () => {
    const project = projectOf(communityDevelopmentFundResearch);
    expect(project).toMatchObject({ status: 'finalisation', actualStart: '2008-05-01', actualEnd: '2009-03-31' });
    expect(project.participatingOrganisations).toContainEqual({ name: 'Ford Foundation', role: 1 });
    const [book] = Object.values(project.milestones);
    expect(book).toMatchObject({ status: 'reached', reachedOn: '2009-07-31' });
    expect(book?.evidence).toContain('month only');
  });

  it('record the financial crisis study as running, its final report planned for August 2010 and not reported', () => {
    const project = projectOf(financialCrisisStudy);
    expect(project).toMatchObject({ status: 'implementation', actualStart: '2009-01-01', plannedEnd: '2010-08-31' });
    expect(project.plannedStart).toBeUndefined();
    expect(project.participatingOrganisations.map((organisation) => organisation.role)).not.toContain(1);
    const [report] = Object.values(project.milestones);
    expect(report).toMatchObject({ status: 'planned', dueDate: '2010-08-31' });
  });

  it('record the UNDP-funded studies: four completed in 2009 (year only), the project finalised', () => {
    const project = projectOf(undpFundedStudies);
    expect(project).toMatchObject({ status: 'finalisation', actualEnd: '2009-12-31', sector: '43082' });
    expect(project.participatingOrganisations).toContainEqual({ name: 'United Nations Development Programme (UNDP)', role: 1 });
    const milestones = Object.values(project.milestones);
    expect(milestones).toHaveLength(4);
    for (const milestone of milestones) expect(milestone).toMatchObject({ status: 'reached', reachedOn: '2009-12-31' });
    expect(project.description).toContain('2009 (year only)');
  });

  it('record the Ghana pilot as approved, funded by the 17 million yuan donation, not started', () => {
    const project = projectOf(ghanaPilot);
    expect(project).toMatchObject({ country: 'GH', status: 'approved', approvedOn: '2009-07-01' });
    expect(project.participatingOrganisations).toContainEqual({
      name: 'Nanchang Railway Tianji Economy and Trade Co., Ltd.',
      role: 1,
    });
    expect(project.description).toContain('17 million yuan');
    expect(project.lastReason).toContain('month only');
  });

  it('record the Tanzania cooperation started, with its four reported steps reached', () => {
    const project = projectOf(tanzaniaCooperation);
    expect(project).toMatchObject({ country: 'TZ', status: 'implementation' });
    const milestones = Object.values(project.milestones);
    expect(milestones).toHaveLength(4);
    for (const milestone of milestones) {
      expect(milestone.status).toBe('reached');
      expect(milestone.evidence).toContain('2009 is assumed');
    }
  });

  it('record the child poverty study under its 2007-2010 framework, its research and report reached as of 2009', () => {
    const project = projectOf(childPovertyStudy);
    expect(project).toMatchObject({
      status: 'implementation',
      sector: '16010',
      location: { province: 'Hubei and Gansu' },
      plannedStart: '2007-01-01',
      plannedEnd: '2010-12-31',
      actualStart: '2007-01-01',
    });
    expect(project.participatingOrganisations.map((organisation) => organisation.role)).toEqual([2, 2, 4]);
    const milestones = Object.values(project.milestones);
    expect(milestones).toHaveLength(2);
    for (const milestone of milestones) expect(milestone).toMatchObject({ status: 'reached', reachedOn: '2009-12-31' });
  });

  it('record the CDD mechanism study finalised in March 2009, its book published in October 2009, its implementer inferred', () => {
    const project = projectOf(cddMechanismStudy);
    expect(project).toMatchObject({ status: 'finalisation', actualStart: '2008-05-01', actualEnd: '2009-03-31', sector: '43040' });
    expect(project.description).toContain('by inference');
    const [book] = Object.values(project.milestones);
    expect(book).toMatchObject({ status: 'reached', reachedOn: '2009-10-31' });
  });

  it('record the two jointly conducted studies finalised with their report written, no funder named', () => {
    const facts = [ngoReconstructionResearch, cddComplaintMechanismResearch].map((seed) => {
      const project = projectOf(seed);
      if (project.status !== 'finalisation') throw new Error(`${seed.code} is ${project.status}, not finalised`);
      expect(project.participatingOrganisations.map((organisation) => organisation.role)).toEqual([4, 4]);
      const [report] = Object.values(project.milestones);
      expect(report).toMatchObject({ status: 'reached', reachedOn: project.actualEnd });
      return [project.status, project.actualStart, project.actualEnd, project.participatingOrganisations[1]?.name];
    });
    expect(facts).toEqual([
      ['finalisation', '2008-05-01', '2009-03-31', 'Asian Development Bank (ADB)'],
      ['finalisation', '2009-01-01', '2009-09-30', 'The Asia Foundation'],
    ]);
  });

  it('record the China-DAC Study Group running, its workshop of 28-29 October 2009 held with more than 140 representatives', () => {
    const project = projectOf(chinaDacStudyGroup);
    expect(project).toMatchObject({ status: 'implementation', actualStart: '2009-01-01', sector: '43010' });
    expect(project.participatingOrganisations.map((organisation) => organisation.role)).not.toContain(1);
    const [workshop] = Object.values(project.milestones);
    expect(workshop).toMatchObject({ status: 'reached', reachedOn: '2009-10-29' });
    const [representatives] = Object.values(project.indicators);
    expect(latestActual(representatives!)).toMatchObject({
      value: 140,
      periodStart: '2009-10-28',
      date: '2009-10-29',
      note: expect.stringContaining('more than 140'),
    });
  });

  it('record the internationalisation research as launched in 2009 (assumed), with nothing the source does not give', () => {
    const project = projectOf(povertyReductionInternationalisationResearch);
    expect(project).toMatchObject({ status: 'implementation', actualStart: '2009-01-01' });
    expect(project.milestones).toEqual({});
    expect(project.indicators).toEqual({});
    expect(project.lastReason).toContain('2009 is assumed');
  });

  it('record the ten 2009 training courses as held: closed on their last day, their figures measured over their dates', () => {
    expect(trainingCourses2009).toHaveLength(10);
    const facts = trainingCourses2009.map((seed) => {
      const project = projectOf(seed);
      if (project.status !== 'closed') throw new Error(`${seed.code} is ${project.status}, not closed`);
      const measurements = Object.values(project.indicators).map((indicator) => latestActual(indicator));
      expect(measurements.every((measurement) => measurement?.periodStart === project.actualStart)).toBe(true);
      expect(measurements.every((measurement) => measurement?.date === project.actualEnd)).toBe(true);
      expect(measurements.every((measurement) => measurement?.disaggregation === undefined)).toBe(true);
      expect(project.description).toContain('the year 2009 is assumed');
      expect(project.country).toBe('CN');
      expect(project.participatingOrganisations.map((organisation) => organisation.role)).not.toContain(1);
      return [seed.code, project.actualStart, project.actualEnd, measurements.map((measurement) => measurement?.value)];
    });
    expect(facts).toEqual([
      ['CN-IPRCC-2009-SCO-SEMINAR', '2009-05-21', '2009-06-03', [15, 3]],
      ['CN-IPRCC-2009-AFRICA-OFFICIALS', '2009-06-26', '2009-07-09', [37, 19]],
      ['CN-IPRCC-2009-CHINA-AFRICA-HIGH-LEVEL', '2009-07-08', '2009-07-17', [33, 23, 18]],
      ['CN-IPRCC-2009-ENVIRONMENT-TRAINING', '2009-09-04', '2009-09-09', [35, 11]],
      ['CN-IPRCC-2009-IFAD-SOUTH-SOUTH', '2009-09-23', '2009-09-29', [18, 4]],
      ['CN-IPRCC-2009-DIRECTORS-SEMINAR', '2009-10-16', '2009-10-16', [48, 31]],
      ['CN-IPRCC-2009-CHILD-POVERTY-SEMINAR', '2009-10-30', '2009-11-01', [40, 11, 7]],
      ['CN-IPRCC-2009-ACD-SEMINAR', '2009-11-05', '2009-11-10', [17, 9]],
      ['CN-IPRCC-2009-DEVELOPMENT-POLICY-SEMINAR', '2009-11-24', '2009-12-14', [32, 19]],
      ['CN-IPRCC-2009-POST-DISASTER-WORKSHOP', '2009-12-08', '2009-12-10', [8, 39]],
    ]);
  });

  it('record a bound as the bound, saying so, and no figure where the source gives none', () => {
    const course = (code: string) => projectOf(trainingCourses2009.find((seed) => seed.code === code)!);
    const childPoverty = course('CN-IPRCC-2009-CHILD-POVERTY-SEMINAR');
    const participants = childPoverty.indicators[seedId('CN-IPRCC-2009-CHILD-POVERTY-SEMINAR', 'indicator', 'participants')]!;
    expect(latestActual(participants)).toMatchObject({ value: 40, note: expect.stringContaining('"More than 40 people"') });
    expect(childPoverty.participatingOrganisations).toContainEqual({ name: "United Nations Children's Fund (UNICEF)", role: 4 });

    // "Nearly 140 people": fewer than 140 by an unknown number, so no participant count.
    const workshop = course('CN-IPRCC-2009-POST-DISASTER-WORKSHOP');
    expect(Object.values(workshop.indicators).map((indicator) => indicator.unit)).toEqual(['cities', 'counties']);
    expect(workshop.description).toContain('no count of participants is recorded');
    expect(workshop.location).toEqual({ district: 'Chengdu', province: 'Sichuan' });
  });
});
