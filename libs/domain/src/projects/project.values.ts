/** The value types of a project, shared by its commands, events and state. Dates are ISO `YYYY-MM-DD`. */

export const PROJECT_STATUSES = [
  'proposed',
  'approved',
  'implementation',
  'suspended',
  'finalisation',
  'closed',
  'cancelled',
] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

/** IATI ActivityStatus code of each lifecycle state (design brief, Domain). */
export const IATI_ACTIVITY_STATUS: Record<ProjectStatus, 1 | 2 | 3 | 4 | 5 | 6> = {
  proposed: 1,
  approved: 1,
  implementation: 2,
  finalisation: 3,
  closed: 4,
  cancelled: 5,
  suspended: 6,
};

export const COMPONENT_KINDS = ['infrastructure', 'public_services', 'industry', 'capacity_building'] as const;
export type ComponentKind = (typeof COMPONENT_KINDS)[number];

/** IATI OrganisationRole: 1 funding, 2 accountable, 3 extending, 4 implementing. */
export const ORGANISATION_ROLES = [1, 2, 3, 4] as const;
export type OrganisationRole = (typeof ORGANISATION_ROLES)[number];

/** IATI IndicatorMeasure: 1 unit, 2 percentage, 3 nominal, 4 ordinal, 5 qualitative. */
export const INDICATOR_MEASURES = [1, 2, 3, 4, 5] as const;
export type IndicatorMeasure = (typeof INDICATOR_MEASURES)[number];

/** IATI ResultType: 1 output, 2 outcome, 3 impact. */
export const RESULT_LEVELS = [1, 2, 3] as const;
export type ResultLevel = (typeof RESULT_LEVELS)[number];

export interface ParticipatingOrganisation {
  name: string;
  role: OrganisationRole;
  /** IATI organisation identifier, where the organisation has one. */
  ref?: string;
}

export interface ProjectLocation {
  village?: string;
  district?: string;
  province?: string;
  latitude?: number;
  longitude?: number;
}

/** A value at a date, as IATI baselines and targets are. */
export interface DatedValue {
  value: number;
  date?: string;
}

/**
 * How an indicator's sex breakdown relates to its value, as its definition says. `adds-up` (the default,
 * and every indicator defined before there was a choice): the parts count people and add up to the value
 * ("20 participants (7 women)"). `per-group`: each part is the indicator's value for that group alone,
 * as an average or a rate is ("income per weaver: 800 USD; women 850, men 700"), so parts are never
 * summed against the value, a part not given is never inferred and `unknown` is never derived.
 */
export const SEX_BREAKDOWNS = ['adds-up', 'per-group'] as const;
export type SexBreakdown = (typeof SEX_BREAKDOWNS)[number];

/**
 * Sex disaggregation of a measurement on an indicator whose breakdown adds up (`SexBreakdown`): the parts
 * known, and `unknown`, the people whose sex was not reported; what is given adds up to the value. "20 participants (7 women)" is { female: 7, unknown: 13 }:
 * how many of the 13 are men was not said, so `male` is absent, not 0. A part is absent only while some
 * are unknown; when nobody is, every part is there ({ female: 7, male: 13, unknown: 0 }).
 *
 * Events of schema version 1 (MeasurementRecorded, MeasurementCorrected) always hold all three parts,
 * a part not given stored as 0.
 */
export interface SexDisaggregation {
  female?: number;
  male?: number;
  /** Always there where the breakdown adds up; on a `per-group` indicator, only when given. */
  unknown?: number;
}

/** The parts of a sex breakdown, in the order they are named. */
export const SEX_PARTS = ['female', 'male', 'unknown'] as const;

/** The sex parts a breakdown reports, in words: "female 7, unknown 13" (a part not reported left out). */
export function breakdownInWords(breakdown: Partial<Record<(typeof SEX_PARTS)[number], number>>): string {
  return SEX_PARTS.filter((part) => breakdown[part] !== undefined)
    .map((part) => `${part} ${breakdown[part]}`)
    .join(', ');
}
