/**
 * An IATI 2.03 activity as the exporter builds it, before it becomes XML. Codes are strings, as in the
 * standard; `checkIatiActivity` checks them against the codelists.
 */
export interface IatiReportingOrg {
  /** Organisation identifier, `{RegistrationAgency}-{RegistrationNumber}`; prefixes every iati-identifier. */
  ref: string;
  /** OrganisationType code. */
  type: string;
  name: string;
}

export interface IatiParticipatingOrg {
  name: string;
  /** OrganisationRole code. */
  role: string;
  ref?: string;
}

export interface IatiActivityDate {
  /** ActivityDateType code. */
  type: string;
  isoDate: string;
}

export interface IatiLocation {
  name: string;
  description?: string;
  point?: { latitude: number; longitude: number };
}

export interface IatiDimension {
  name: string;
  value: string;
}

export interface IatiValue {
  /** Left out for a qualitative measure (IndicatorMeasure 5), as the schema asks: its comment tells it. */
  value?: string;
  dimensions?: IatiDimension[];
  comment?: string;
}

export interface IatiPeriod {
  start: string;
  end: string;
  targets: IatiValue[];
  actuals: IatiValue[];
}

export interface IatiIndicator {
  /** IndicatorMeasure code. */
  measure: string;
  ascending?: boolean;
  title: string;
  description?: string;
  /** `value` left out for a qualitative measure, as on a target or an actual. */
  baseline?: { year: number; isoDate?: string; value?: string; comment?: string };
  periods: IatiPeriod[];
}

export interface IatiResult {
  /** ResultType code. */
  type: string;
  title: string;
  description?: string;
  indicators: IatiIndicator[];
}

export interface IatiActivity {
  identifier: string;
  /** ISO date-time of the last change to the activity's data. */
  lastUpdated: string;
  /** ISO 639-1 language of the activity's narratives. */
  language: string;
  title: string;
  description: string;
  participatingOrgs: IatiParticipatingOrg[];
  /** ActivityStatus code. */
  status: string;
  dates: IatiActivityDate[];
  /** ISO 3166-1 alpha-2. */
  recipientCountry: string;
  locations: IatiLocation[];
  /** DAC 5-digit purpose codes (sector vocabulary 1). */
  sectors: string[];
  results: IatiResult[];
}
