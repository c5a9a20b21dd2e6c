import { IATI_ACTIVITY_STATUS, actualEndOf, type Indicator, type Measurement, type Project } from '@app/domain';
import { ACTIVITY_DATE_TYPES } from './codes/iati-codelists.js';
import type { IatiActivity, IatiActivityDate, IatiIndicator, IatiPeriod, IatiResult, IatiValue } from './iati-activity.js';
import { decimalText } from './decimal-text.js';

export interface ProjectForIati {
  project: Project;
  /** Prefix of the iati-identifier: the reporting organisation's identifier. */
  reportingOrgRef: string;
  /** Recorded-at of the last event the state includes. */
  lastUpdated: string;
  /** Recorded-at of the project's first event: the baseline year when nothing better is known. */
  firstRecorded: string;
  /** ISO 639-1 language of the project's texts. */
  language?: string;
}

const RESULT_LEVEL_NAMES = { 1: 'outputs', 2: 'outcomes', 3: 'impact' } as const;

/**
 * The project as an IATI activity. Measurements that a correction superseded are not reported as
 * actuals (IATI has no notion of a withdrawn value, and aggregators would count both); the correcting
 * actual says in its comment which value it corrects and why, so the export shows both.
 */
export function projectToIatiActivity(input: ProjectForIati): IatiActivity {
  const { project } = input;
  return {
    identifier: `${input.reportingOrgRef}-${project.code}`,
    lastUpdated: input.lastUpdated,
    language: input.language ?? 'en',
    title: project.title,
    description: project.description,
    participatingOrgs: project.participatingOrganisations.map((org) => ({
      name: org.name,
      role: String(org.role),
      ...(org.ref ? { ref: org.ref } : {}),
    })),
    status: String(IATI_ACTIVITY_STATUS[project.status]),
    dates: activityDates(project),
    recipientCountry: project.country,
    locations: location(project),
    sectors: [project.sector],
    results: results(project, input.firstRecorded, input.lastUpdated),
  };
}

function activityDates(project: Project): IatiActivityDate[] {
  const dates: IatiActivityDate[] = [];
  const add = (type: string, isoDate: string | undefined) => {
    if (isoDate) dates.push({ type, isoDate });
  };
  add(ACTIVITY_DATE_TYPES.plannedStart, project.plannedStart);
  add(ACTIVITY_DATE_TYPES.actualStart, 'actualStart' in project ? project.actualStart : undefined);
  add(ACTIVITY_DATE_TYPES.plannedEnd, project.plannedEnd);
  add(ACTIVITY_DATE_TYPES.actualEnd, actualEndOf(project));
  return dates;
}

function location(project: Project): IatiActivity['locations'] {
  const { village, district, province, latitude, longitude } = project.location;
  const names = [village, district, province].filter((part): part is string => Boolean(part));
  const point = latitude !== undefined && longitude !== undefined ? { latitude, longitude } : undefined;
  if (names.length === 0 && !point) return [];
  return [
    {
      name: names[0] ?? `${latitude}, ${longitude}`,
      ...(names.length > 1 ? { description: names.join(', ') } : {}),
      ...(point ? { point } : {}),
    },
  ];
}

/** One result per component and result level (indicators without a component under the project). */
function results(project: Project, firstRecorded: string, lastUpdated: string): IatiResult[] {
  const groups = new Map<string, { componentId?: string; level: 1 | 2 | 3; indicators: Indicator[] }>();
  const componentOrder = [...Object.keys(project.components), ''];
  const sorted = Object.values(project.indicators).sort(
    (a, b) => componentOrder.indexOf(a.componentId ?? '') - componentOrder.indexOf(b.componentId ?? '') || a.resultLevel - b.resultLevel,
  );
  for (const indicator of sorted) {
    const key = `${indicator.componentId ?? ''}|${indicator.resultLevel}`;
    const group = groups.get(key) ?? { componentId: indicator.componentId, level: indicator.resultLevel, indicators: [] };
    group.indicators.push(indicator);
    groups.set(key, group);
  }
  return [...groups.values()].map((group) => {
    const component = group.componentId ? project.components[group.componentId] : undefined;
    return {
      type: String(group.level),
      title: `${component?.name ?? project.title}: ${RESULT_LEVEL_NAMES[group.level]}`,
      ...(component?.description ? { description: component.description } : {}),
      indicators: group.indicators.map((indicator) => iatiIndicator(project, indicator, firstRecorded, lastUpdated)),
    };
  });
}

function iatiIndicator(project: Project, indicator: Indicator, firstRecorded: string, lastUpdated: string): IatiIndicator {
  const startDate = ('actualStart' in project ? project.actualStart : undefined) ?? project.plannedStart;
  const baselineDate = indicator.baseline.date;
  const baselineYear = Number((baselineDate ?? startDate ?? firstRecorded).slice(0, 4));
  const target = valueOf(indicator, indicator.target.value, indicator.target.date ? `Target for ${indicator.target.date}.` : 'End-of-project target.');
  const byId = new Map(indicator.measurements.map((measurement) => [measurement.measurementId, measurement]));
  const standing = indicator.measurements
    .filter((measurement) => measurement.supersededBy === undefined)
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  // A period's target is the target for that period: the project has one, for the whole project, so it
  // has a period of its own (targetPeriod). Each measurement's period carries only its actual: given the
  // final target too, every period would claim it, and a sum over periods would count it as often.
  const periods: IatiPeriod[] = standing.map((measurement) => ({
    start: measurement.periodStart ?? measurement.date,
    end: measurement.date,
    targets: [],
    actuals: actuals(indicator, measurement, byId),
  }));
  const start = baselineDate ?? startDate ?? firstRecorded.slice(0, 10);
  periods.push({ start, end: targetPeriodEnd(start, project, indicator, standing, lastUpdated), targets: [target], actuals: [] });
  periods.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.end < b.end ? -1 : a.end > b.end ? 1 : 0));
  return {
    measure: String(indicator.measure),
    ascending: indicator.target.value >= indicator.baseline.value,
    title: `${indicator.title} (${indicator.unit})`,
    ...(indicator.description ? { description: indicator.description } : {}),
    baseline: {
      year: baselineYear,
      ...(baselineDate ? { isoDate: baselineDate } : {}),
      ...valueOf(
        indicator,
        indicator.baseline.value,
        baselineDate ? undefined : 'The baseline has no date of its own; its year is the year the project started.',
      ),
    },
    periods,
  };
}

/**
 * The end of an indicator's target period (which starts at its baseline's date, or the project's start,
 * or its first record): the target's date, or else the planned end, the actual end, the latest
 * measurement (the period measured so far), or the day of the export's last event, and never before
 * the start. The target is never left out, nor set beside one measurement's actual (until 2026-12-04,
 * with no date of its own on a project with no planned end, it was: dropped before the first
 * measurement, then claimed by the latest one).
 */
function targetPeriodEnd(start: string, project: Project, indicator: Indicator, standing: Measurement[], lastUpdated: string): string {
  const end = indicator.target.date ?? project.plannedEnd ?? actualEndOf(project) ?? standing.at(-1)?.date ?? lastUpdated.slice(0, 10);
  return end < start ? start : end;
}

/**
 * The total, then its sex disaggregation as IATI dimensions: each part known (a part not reported is left
 * out, never sent as 0), and unknown where some are unknown. On an indicator whose breakdown is per group
 * (each part the value for that group alone), exactly the parts given, unknown only if it was.
 */

function actuals(indicator: Indicator, measurement: Measurement, byId: Map<string, Measurement>): IatiValue[] {
  const comment = [measurement.note, correctionNote(measurement, byId)].filter(Boolean).join(' ');
  const total = valueOf(indicator, measurement.value, comment || undefined);
  const parts = measurement.disaggregation;
  if (!parts) return [total];
  const dimension = (value: string) => [{ name: 'sex', value }];
  return [
    total,
    ...(parts.female !== undefined ? [{ value: decimalText(parts.female), dimensions: dimension('female') }] : []),
    ...(parts.male !== undefined ? [{ value: decimalText(parts.male), dimensions: dimension('male') }] : []),
    ...(parts.unknown !== undefined && (parts.unknown > 0 || indicator.sexBreakdown === 'per-group')
      ? [{ value: decimalText(parts.unknown), dimensions: dimension('unknown') }]
      : []),
  ];
}

/** IndicatorMeasure 5: what is measured is told in words, not as a number. */
const QUALITATIVE = 5;

/**
 * A baseline's, target's or actual's value and comment. The schema asks that a qualitative measure's
 * @value be left out (and a number given for every other measure): there the value recorded leads
 * the comment instead, so the export loses nothing the project recorded.
 */
function valueOf(indicator: Indicator, value: number, comment: string | undefined): IatiValue {
  if (indicator.measure !== QUALITATIVE) return { value: decimalText(value), ...(comment ? { comment } : {}) };
  return { comment: [`Value recorded: ${decimalText(value)} (${indicator.unit}).`, comment].filter(Boolean).join(' ') };
}

function correctionNote(measurement: Measurement, byId: Map<string, Measurement>): string | undefined {
  if (!measurement.correctsMeasurementId) return undefined;
  const corrected = byId.get(measurement.correctsMeasurementId);
  const was = corrected ? `${corrected.value} for ${corrected.date}` : 'an earlier value';
  return `Corrects ${was} (measurement ${measurement.correctsMeasurementId}): ${measurement.reason ?? 'no reason given'}.`;
}
