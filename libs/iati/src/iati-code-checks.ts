import { COUNTRY_CODES } from './codes/country-codes.js';
import { DAC_SECTOR_CODES } from './codes/dac-sectors.js';
import {
  ACTIVITY_DATE_TYPE_CODES,
  ACTIVITY_DATE_TYPES,
  ACTIVITY_STATUS_CODES,
  INDICATOR_MEASURE_CODES,
  ORGANISATION_ROLE_CODES,
  ORGANISATION_TYPE_CODES,
  RESULT_TYPE_CODES,
} from './codes/iati-codelists.js';
import type { IatiActivity, IatiReportingOrg } from './iati-activity.js';

/** One code or value an IATI document may not carry, named by its path in the document. */
export interface IatiCodeProblem {
  field: string;
  message: string;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A code the IATI OrganisationType codelist knows (the schema only asks for a string). */
export function isOrganisationType(code: string): boolean {
  return ORGANISATION_TYPE_CODES.has(code);
}

/**
 * The code problems of one activity: what the XML schema lets through but IATI's codelists and rules
 * refuse (ActivityStatus 1-6, OrganisationRole 1-4, IndicatorMeasure 1-5, ResultType 1-3 or 9, ISO 3166-1
 * countries, DAC 5-digit sectors, an identifier prefixed by the reporting organisation's). Empty when the
 * activity can be published.
 */
export function checkIatiActivity(activity: IatiActivity, reportingOrg: IatiReportingOrg): IatiCodeProblem[] {
  const problems: IatiCodeProblem[] = [];
  const fail = (field: string, message: string) => problems.push({ field, message });

  if (reportingOrg.ref.trim() === '') fail('reporting-org/@ref', 'the reporting organisation needs an identifier');
  if (!isOrganisationType(reportingOrg.type)) {
    fail('reporting-org/@type', `"${reportingOrg.type}" is not an IATI OrganisationType code`);
  }
  if (!activity.identifier.startsWith(`${reportingOrg.ref}-`)) {
    fail('iati-identifier', `"${activity.identifier}" must start with the reporting organisation's identifier "${reportingOrg.ref}-"`);
  }
  if (activity.title.trim() === '') fail('title', 'the activity needs a title');
  if (activity.description.trim() === '') fail('description', 'the activity needs a description');

  if (activity.participatingOrgs.length === 0) {
    fail('participating-org', 'IATI needs at least one participating organisation');
  }
  activity.participatingOrgs.forEach((org, index) => {
    if (!ORGANISATION_ROLE_CODES.has(org.role)) {
      fail(`participating-org[${index}]/@role`, `"${org.role}" is not an IATI OrganisationRole code (1-4)`);
    }
  });

  if (!ACTIVITY_STATUS_CODES.has(activity.status)) {
    fail('activity-status/@code', `"${activity.status}" is not an IATI ActivityStatus code (1-6)`);
  }
  // The IATI Standard's rules ask for a start, planned (1) or actual (2); the schema would take an end alone.
  if (!activity.dates.some((date) => date.type === ACTIVITY_DATE_TYPES.plannedStart || date.type === ACTIVITY_DATE_TYPES.actualStart)) {
    fail(
      'activity-date',
      'IATI needs a start date, planned or actual: give the planned start (POST /projects/{id}/planned-dates) or record the start when the project starts',
    );
  }
  activity.dates.forEach((date, index) => {
    if (!ACTIVITY_DATE_TYPE_CODES.has(date.type)) {
      fail(`activity-date[${index}]/@type`, `"${date.type}" is not an IATI ActivityDateType code (1-4)`);
    }
    if (!ISO_DATE.test(date.isoDate)) fail(`activity-date[${index}]/@iso-date`, `"${date.isoDate}" is not a date`);
  });

  if (!COUNTRY_CODES.has(activity.recipientCountry)) {
    fail('recipient-country/@code', `"${activity.recipientCountry}" is not an ISO 3166-1 alpha-2 country code`);
  }
  activity.locations.forEach((location, index) => {
    const point = location.point;
    if (point && (Math.abs(point.latitude) > 90 || Math.abs(point.longitude) > 180)) {
      fail(`location[${index}]/point/pos`, 'latitude must be within ±90 and longitude within ±180');
    }
  });
  activity.sectors.forEach((sector, index) => {
    if (!/^\d{5}$/.test(sector)) {
      fail(`sector[${index}]/@code`, `"${sector}" is not a DAC 5-digit purpose code`);
    } else if (!DAC_SECTOR_CODES.has(sector)) {
      fail(`sector[${index}]/@code`, `${sector} is not in the OECD DAC purpose codes (IATI Sector codelist)`);
    }
  });

  activity.results.forEach((result, r) => {
    if (!RESULT_TYPE_CODES.has(result.type)) {
      fail(`result[${r}]/@type`, `"${result.type}" is not an IATI ResultType code (1 output, 2 outcome, 3 impact, 9 other)`);
    }
    if (result.indicators.length === 0) fail(`result[${r}]/indicator`, 'a result needs at least one indicator');
    result.indicators.forEach((indicator, i) => {
      const at = `result[${r}]/indicator[${i}]`;
      if (!INDICATOR_MEASURE_CODES.has(indicator.measure)) {
        fail(`${at}/@measure`, `"${indicator.measure}" is not an IATI IndicatorMeasure code (1-5)`);
      }
      if (indicator.baseline && (!Number.isInteger(indicator.baseline.year) || indicator.baseline.year < 1)) {
        fail(`${at}/baseline/@year`, 'the baseline year must be a positive integer');
      }
      indicator.periods.forEach((period, p) => {
        if (!ISO_DATE.test(period.start) || !ISO_DATE.test(period.end) || period.end < period.start) {
          fail(`${at}/period[${p}]`, `the period ${period.start} to ${period.end} is not a range of dates`);
        }
      });
    });
  });
  return problems;
}
