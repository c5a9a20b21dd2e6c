import { describe, expect, it } from '@jest/globals';
import { evolve, type ProjectEvent, rebuildProjectState, type SexDisaggregation } from '@app/domain';
import { COUNTRY_CODES } from './codes/country-codes.js';
import { DAC_SECTOR_CODES } from './codes/dac-sectors.js';
import type { IatiActivity } from './iati-activity.js';
import { buildIatiActivitiesXml } from './iati-activities.builder.js';
import { checkIatiActivity, isOrganisationType } from './iati-code-checks.js';
import { projectToIatiActivity } from './project-to-iati.mapper.js';
import { escapeXml } from './xml-writer.js';
import { validateIati } from '../../../test/support/xmllint.js';

const ORG = { ref: 'XI-IATI-TEST', type: '10', name: 'Test publisher' };
const P = 'p-1';

const history: ProjectEvent[] = [
  {
    type: 'ProjectProposed',
    data: {
      projectId: P,
      code: 'CN-LA-TEST',
      title: 'Demonstration village',
      description: 'Roads & <bridges>',
      country: 'LA',
      location: { village: 'Bansuo', province: 'Vientiane Capital', latitude: 18.1, longitude: 102.5 },
      sector: '31163',
      participatingOrganisations: [
        { name: 'Funder', role: 1, ref: 'XM-DAC-1' },
        { name: 'Implementer', role: 4 },
      ],
      plannedStart: '2017-01-01',
      plannedEnd: '2020-12-31',
    },
  },
  { type: 'ProjectApproved', data: { projectId: P, date: '2017-02-01' } },
  { type: 'ProjectStarted', data: { projectId: P, actualStart: '2017-03-01' } },
  { type: 'ComponentAdded', data: { projectId: P, componentId: 'c-1', name: 'Weaving', kind: 'industry' } },
  {
    type: 'IndicatorDefined',
    data: {
      projectId: P,
      indicatorId: 'i-1',
      title: 'Weavers trained',
      unit: 'people',
      measure: 1,
      resultLevel: 1,
      baseline: { value: 0 },
      target: { value: 40 },
      componentId: 'c-1',
    },
  },
  {
    type: 'MeasurementRecorded',
    data: { projectId: P, indicatorId: 'i-1', measurementId: 'm-1', value: 20, date: '2018-06-30', disaggregation: { female: 7, male: 0, unknown: 13 } },
  },
  {
    type: 'MeasurementCorrected',
    data: {
      projectId: P,
      indicatorId: 'i-1',
      measurementId: 'm-2',
      correctsMeasurementId: 'm-1',
      value: 25,
      date: '2018-06-30',
      disaggregation: { female: 9, male: 16, unknown: 0 },
      reason: 'Late registrations',
    },
  },
];

function activity(events: ProjectEvent[] = history): IatiActivity {
  const state = rebuildProjectState(events);
  if (state.status === 'none') throw new Error('no project');
  return projectToIatiActivity({ project: state, reportingOrgRef: ORG.ref, lastUpdated: '2018-07-01T00:00:00.000Z', firstRecorded: '2017-01-05T00:00:00.000Z' });
}

describe('IATI code checks', () => {
  it('passes a project whose codes IATI knows', () => {
    expect(checkIatiActivity(activity(), ORG)).toEqual([]);
  });

  it('names every code the codelists refuse, which the schema would let through', () => {
    const bad: IatiActivity = {
      ...activity(),
      identifier: 'OTHER-ORG-1',
      status: '7',
      recipientCountry: 'XX',
      sectors: ['99999', '3116'],
      dates: [
        { type: '1', isoDate: '2017-01-01' },
        { type: '5', isoDate: '2017-01-01' },
      ],
      participatingOrgs: [{ name: 'Someone', role: '0' }],
      results: [{ type: '4', title: 'Result', indicators: [{ measure: '6', title: 'x', periods: [], baseline: { year: 0, value: '0' } }] }],
    };
    const fields = checkIatiActivity(bad, { ...ORG, type: '99' }).map((problem) => problem.field);
    expect(fields).toEqual([
      'reporting-org/@type',
      'iati-identifier',
      'participating-org[0]/@role',
      'activity-status/@code',
      'activity-date[1]/@type',
      'recipient-country/@code',
      'sector[0]/@code',
      'sector[1]/@code',
      'result[0]/@type',
      'result[0]/indicator[0]/@measure',
      'result[0]/indicator[0]/baseline/@year',
    ]);
  });

  it('needs an activity date and a participating organisation', () => {
    const fields = checkIatiActivity({ ...activity(), dates: [], participatingOrgs: [] }, ORG).map((problem) => problem.field);
    expect(fields).toEqual(['participating-org', 'activity-date']);
    // A start, planned or actual: the IATI Standard's rules ask for one, though the schema takes an end alone.
    const endOnly = checkIatiActivity({ ...activity(), dates: [{ type: '3', isoDate: '2020-12-31' }] }, ORG);
    expect(endOnly.map((problem) => problem.field)).toEqual(['activity-date']);
    expect(checkIatiActivity({ ...activity(), dates: [{ type: '2', isoDate: '2017-03-01' }] }, ORG)).toEqual([]);
  });

  it('knows the ISO 3166-1 countries and the DAC purpose codes', () => {
    expect(COUNTRY_CODES.size).toBe(250);
    for (const code of ['LA', 'CN', 'VN', 'KH', 'TH', 'MM', 'XK']) expect(COUNTRY_CODES.has(code)).toBe(true);
    for (const code of ['XX', 'UK', 'EU', 'la']) expect(COUNTRY_CODES.has(code)).toBe(false);
    for (const code of ['31163', '43040', '11110', '99820']) expect(DAC_SECTOR_CODES.has(code)).toBe(true);
    expect(DAC_SECTOR_CODES.has('31169')).toBe(false);
    expect(isOrganisationType('90')).toBe(true);
    expect(isOrganisationType('99')).toBe(false);
  });
});

describe('project to IATI activity', () => {
  it('maps identity, status, dates, location and sector', () => {
    const mapped = activity();
    expect(mapped).toMatchObject({
      identifier: 'XI-IATI-TEST-CN-LA-TEST',
      status: '2',
      recipientCountry: 'LA',
      sectors: ['31163'],
      dates: [
        { type: '1', isoDate: '2017-01-01' },
        { type: '2', isoDate: '2017-03-01' },
        { type: '3', isoDate: '2020-12-31' },
      ],
      locations: [{ name: 'Bansuo', description: 'Bansuo, Vientiane Capital', point: { latitude: 18.1, longitude: 102.5 } }],
      participatingOrgs: [
        { name: 'Funder', role: '1', ref: 'XM-DAC-1' },
        { name: 'Implementer', role: '4' },
      ],
    });
  });

  it('reports the correcting value with its sex disaggregation, and names the value it corrects', () => {
    const [result] = activity().results;
    expect(result).toMatchObject({ type: '1', title: 'Weaving: outputs' });
    const indicator = result!.indicators[0]!;
    expect(indicator.baseline).toMatchObject({ year: 2017, value: '0' });
    expect(indicator.periods).toEqual([
      // The target for the project, from its start to its planned end, in a period of its own.
      { start: '2017-03-01', end: '2020-12-31', targets: [{ value: '40', comment: 'End-of-project target.' }], actuals: [] },
      {
        start: '2018-06-30',
        end: '2018-06-30',
        targets: [],
        actuals: [
          { value: '25', comment: 'Corrects 20 for 2018-06-30 (measurement m-1): Late registrations.' },
          { value: '9', dimensions: [{ name: 'sex', value: 'female' }] },
          { value: '16', dimensions: [{ name: 'sex', value: 'male' }] },
        ],
      },
    ]);
  });

  it('gives the target one period of its own instead of repeating it in every measured period', () => {
    const measured = [
      ...history.slice(0, -2),
      ...['2018-06-30', '2018-12-31', '2019-06-30'].map((date, n) => ({
        type: 'MeasurementRecorded' as const,
        data: { projectId: P, indicatorId: 'i-1', measurementId: `m-${n}`, value: 10 * (n + 1), date },
      })),
    ];
    const periods = activity(measured).results[0]!.indicators[0]!.periods;
    expect(periods.map((period) => [period.start, period.end, period.targets.length, period.actuals.map((actual) => actual.value)])).toEqual([
      ['2017-03-01', '2020-12-31', 1, []],
      ['2018-06-30', '2018-06-30', 0, ['10']],
      ['2018-12-31', '2018-12-31', 0, ['20']],
      ['2019-06-30', '2019-06-30', 0, ['30']],
    ]);
  });

  it('keeps the target in a period of its own when neither it nor the project has an end date', () => {
    const proposed = history[0] as Extract<ProjectEvent, { type: 'ProjectProposed' }>;
    const { plannedEnd: _, ...withoutEnd } = proposed.data;
    const open: ProjectEvent[] = [{ ...proposed, data: withoutEnd }, ...history.slice(1, 5)];
    const targetOf = (events: ProjectEvent[]) =>
      activity(events).results[0]!.indicators[0]!.periods.map((period) => [period.start, period.end, period.targets.map((target) => target.value), period.actuals.map((actual) => actual.value)]);
    // Nothing measured yet: from the start to the day of the last event (lastUpdated).
    expect(targetOf(open)).toEqual([['2017-03-01', '2018-07-01', ['40'], []]]);
    // Measured: the period measured so far, the measurements' periods with their actuals alone.
    const measured = [...open, ...['2018-06-30', '2019-06-30'].map((date, n) => ({
      type: 'MeasurementRecorded' as const,
      data: { projectId: P, indicatorId: 'i-1', measurementId: `m-${n}`, value: 10 * (n + 1), date },
    }))];
    expect(targetOf(measured)).toEqual([
      ['2017-03-01', '2019-06-30', ['40'], []],
      ['2018-06-30', '2018-06-30', [], ['10']],
      ['2019-06-30', '2019-06-30', [], ['20']],
    ]);
  });

  it('leaves out a sex part that was not reported rather than sending it as 0', () => {
    // The history up to its first measurement (before the correction), that measurement broken down as given.
    const recorded = history.findIndex((event) => event.type === 'MeasurementRecorded');
    const actualsWith = (disaggregation: SexDisaggregation) => {
      const measurement = history[recorded] as Extract<ProjectEvent, { type: 'MeasurementRecorded' }>;
      const events = [...history.slice(0, recorded), { ...measurement, data: { ...measurement.data, disaggregation } }];
      return activity(events).results[0]!.indicators[0]!.periods.find((period) => period.actuals.length > 0)!.actuals;
    };
    expect(actualsWith({ female: 7, unknown: 13 })).toEqual([
      { value: '20' },
      { value: '7', dimensions: [{ name: 'sex', value: 'female' }] },
      { value: '13', dimensions: [{ name: 'sex', value: 'unknown' }] },
    ]);
    // Schema version 1 stored every part: a 0 there is exported as it was recorded.
    expect(actualsWith({ female: 7, male: 0, unknown: 13 }).map((actual) => actual.dimensions?.[0]?.value)).toEqual([undefined, 'female', 'male', 'unknown']);
  });

  it('sends exactly the parts given of a breakdown per group (an average), never a 0 or an unknown worked out', () => {
    const income: ProjectEvent[] = [
      ...history.slice(0, 4),
      {
        type: 'IndicatorDefined',
        data: { projectId: P, indicatorId: 'i-2', title: 'Income per weaver', unit: 'USD a year', measure: 1, resultLevel: 2, baseline: { value: 300 }, target: { value: 900 }, sexBreakdown: 'per-group' },
      },
      { type: 'MeasurementRecorded', data: { projectId: P, indicatorId: 'i-2', measurementId: 'm-7', value: 900, date: '2018-06-30', disaggregation: { female: 900 } } },
      { type: 'MeasurementRecorded', data: { projectId: P, indicatorId: 'i-2', measurementId: 'm-8', value: 800, date: '2018-12-31', disaggregation: { female: 850, male: 700, unknown: 0 } } },
    ];
    const periods = activity(income).results[0]!.indicators[0]!.periods.filter((period) => period.actuals.length > 0);
    expect(periods.map((period) => period.actuals)).toEqual([
      [{ value: '900' }, { value: '900', dimensions: [{ name: 'sex', value: 'female' }] }],
      [
        { value: '800' },
        { value: '850', dimensions: [{ name: 'sex', value: 'female' }] },
        { value: '700', dimensions: [{ name: 'sex', value: 'male' }] },
        { value: '0', dimensions: [{ name: 'sex', value: 'unknown' }] },
      ],
    ]);
  });

  it('writes tiny values as plain decimals, never with an exponent', () => {
    const tiny: ProjectEvent[] = [
      ...history.slice(0, 4),
      {
        type: 'IndicatorDefined',
        data: { projectId: P, indicatorId: 'i-3', title: 'Arsenic in well water', unit: 'g per litre', measure: 1, resultLevel: 3, baseline: { value: 2.5e-7 }, target: { value: 1e-8 }, sexBreakdown: 'per-group' },
      },
      { type: 'MeasurementRecorded', data: { projectId: P, indicatorId: 'i-3', measurementId: 'm-9', value: 1e-7, date: '2018-06-30', disaggregation: { female: 1.5e-7 } } },
    ];
    const indicator = activity(tiny).results[0]!.indicators[0]!;
    expect(indicator.baseline?.value).toBe('0.00000025');
    expect(indicator.periods.flatMap((period) => [...period.targets, ...period.actuals]).map((value) => value.value)).toEqual(['0.00000001', '0.0000001', '0.00000015']);
  });

  it('dates the end of a project cancelled once started by its cancellation, and gives one never started no end', () => {
    const cancel = { type: 'ProjectCancelled' as const, data: { projectId: P, date: '2019-05-31', reason: 'Funding withdrawn' } };
    const started = rebuildProjectState([...history, cancel]);
    if (started.status === 'none') throw new Error('no project');
    expect(projectToIatiActivity({ project: started, reportingOrgRef: ORG.ref, lastUpdated: 'x', firstRecorded: '2017' }).dates).toEqual([
      { type: '1', isoDate: '2017-01-01' },
      { type: '2', isoDate: '2017-03-01' },
      { type: '3', isoDate: '2020-12-31' },
      { type: '4', isoDate: '2019-05-31' },
    ]);
    const neverStarted = rebuildProjectState([history[0]!, cancel]);
    if (neverStarted.status === 'none') throw new Error('no project');
    expect(projectToIatiActivity({ project: neverStarted, reportingOrgRef: ORG.ref, lastUpdated: 'x', firstRecorded: '2017' }).dates.map((d) => d.type)).toEqual(['1', '3']);
  });

  it('follows the status codes of the lifecycle', () => {
    const suspended = evolve(rebuildProjectState(history), { type: 'ProjectSuspended', data: { projectId: P, date: '2019-01-01', reason: 'Floods' } });
    if (suspended.status === 'none') throw new Error('no project');
    expect(projectToIatiActivity({ project: suspended, reportingOrgRef: ORG.ref, lastUpdated: 'x', firstRecorded: '2017' }).status).toBe('6');
  });
});

describe('a qualitative indicator (IATI measure 5)', () => {
  const qualitative: ProjectEvent[] = [
    ...history.slice(0, 4),
    {
      type: 'IndicatorDefined',
      data: { projectId: P, indicatorId: 'i-5', title: 'Weavers confident selling at market', unit: 'rating 1-5', measure: 5, resultLevel: 2, baseline: { value: 1 }, target: { value: 4 }, componentId: 'c-1' },
    },
    { type: 'MeasurementRecorded', data: { projectId: P, indicatorId: 'i-5', measurementId: 'm-5', value: 3, date: '2018-06-30', note: 'Most now sell without the agent.' } },
  ];

  it('leaves @value out of baseline, target and actual, as the schema asks, and tells the value in their comments', () => {
    const xml = buildIatiActivitiesXml([activity(qualitative)], { reportingOrg: ORG, generatedAt: '2026-01-01T00:00:00.000Z' });
    expect(xml).toContain('<indicator measure="5"');
    expect(xml).not.toMatch(/<(baseline|target|actual)\b[^>]*\bvalue=/);
    for (const comment of [
      'Value recorded: 1 (rating 1-5). The baseline has no date of its own; its year is the year the project started.',
      'Value recorded: 4 (rating 1-5). End-of-project target.',
      'Value recorded: 3 (rating 1-5). Most now sell without the agent.',
    ]) {
      expect(xml).toContain(`<narrative>${comment}</narrative>`);
    }
    expect(validateIati(xml)).toMatchObject({ status: 0 });
  });

  it('keeps @value on every other measure', () => {
    const xml = buildIatiActivitiesXml([activity()], { reportingOrg: ORG, generatedAt: '2026-01-01T00:00:00.000Z' });
    expect(xml).toMatch(/<baseline [^>]*value="0"/);
    expect(xml).toContain('<target value="40">');
    expect(xml).toContain('<actual value="25">');
    expect(validateIati(xml)).toMatchObject({ status: 0 });
  });
});

describe('IATI XML', () => {
  it('writes the elements in schema order and escapes text', () => {
    const xml = buildIatiActivitiesXml([activity()], { reportingOrg: ORG, generatedAt: '2026-01-01T00:00:00.000Z' });
    const order = ['<iati-identifier>', '<reporting-org', '<title>', '<description', '<participating-org', '<activity-status', '<activity-date', '<recipient-country', '<location>', '<sector', '<result'];
    const positions = order.map((tag) => xml.indexOf(tag));
    expect(positions.every((position) => position > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(xml).toContain('<narrative>Roads &amp; &lt;bridges&gt;</narrative>');
    expect(xml).toContain('<pos>18.1 102.5</pos>');
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="2.03"')).toBe(true);
    expect(escapeXml('a\u0001b"\'')).toBe('ab&quot;&apos;');
  });
});
