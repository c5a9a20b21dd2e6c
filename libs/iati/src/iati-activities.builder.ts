import { DESCRIPTION_TYPE_GENERAL, SECTOR_VOCABULARY_DAC_5, WGS84_SRS_NAME } from './codes/iati-codelists.js';
import type { IatiActivity, IatiIndicator, IatiReportingOrg, IatiResult, IatiValue } from './iati-activity.js';
import { el, renderXml, type XmlElement } from './xml-writer.js';

export const IATI_VERSION = '2.03';

export interface IatiDocumentOptions {
  reportingOrg: IatiReportingOrg;
  /** ISO date-time the file is generated at. */
  generatedAt: string;
}

/**
 * An `iati-activities` document (IATI 2.03) holding `activities`, elements in the order the schema
 * requires. Check codes with `checkIatiActivity` first: the schema does not.
 */
export function buildIatiActivitiesXml(activities: readonly IatiActivity[], options: IatiDocumentOptions): string {
  if (activities.length === 0) throw new Error('an iati-activities document needs at least one activity');
  const root = el(
    'iati-activities',
    { version: IATI_VERSION, 'generated-datetime': options.generatedAt },
    activities.map((activity) => activityElement(activity, options.reportingOrg)),
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n${renderXml(root)}\n`;
}

const narrative = (text: string) => el('narrative', {}, text);

function activityElement(activity: IatiActivity, reportingOrg: IatiReportingOrg): XmlElement {
  return el('iati-activity', { 'last-updated-datetime': activity.lastUpdated, 'xml:lang': activity.language }, [
    el('iati-identifier', {}, activity.identifier),
    el('reporting-org', { ref: reportingOrg.ref, type: reportingOrg.type }, [narrative(reportingOrg.name)]),
    el('title', {}, [narrative(activity.title)]),
    el('description', { type: DESCRIPTION_TYPE_GENERAL }, [narrative(activity.description)]),
    ...activity.participatingOrgs.map((org) => el('participating-org', { ref: org.ref, role: org.role }, [narrative(org.name)])),
    el('activity-status', { code: activity.status }),
    ...activity.dates.map((date) => el('activity-date', { type: date.type, 'iso-date': date.isoDate })),
    el('recipient-country', { code: activity.recipientCountry, percentage: 100 }),
    ...activity.locations.map((location) =>
      el('location', {}, [
        el('name', {}, [narrative(location.name)]),
        location.description ? el('description', {}, [narrative(location.description)]) : undefined,
        location.point
          ? el('point', { srsName: WGS84_SRS_NAME }, [el('pos', {}, `${location.point.latitude} ${location.point.longitude}`)])
          : undefined,
      ]),
    ),
    ...activity.sectors.map((code) =>
      el('sector', { vocabulary: SECTOR_VOCABULARY_DAC_5, code, percentage: activity.sectors.length === 1 ? 100 : undefined }),
    ),
    ...activity.results.map(resultElement),
  ]);
}

function resultElement(result: IatiResult): XmlElement {
  return el('result', { type: result.type }, [
    el('title', {}, [narrative(result.title)]),
    result.description ? el('description', {}, [narrative(result.description)]) : undefined,
    ...result.indicators.map(indicatorElement),
  ]);
}

function indicatorElement(indicator: IatiIndicator): XmlElement {
  const baseline = indicator.baseline;
  return el('indicator', { measure: indicator.measure, ascending: indicator.ascending }, [
    el('title', {}, [narrative(indicator.title)]),
    indicator.description ? el('description', {}, [narrative(indicator.description)]) : undefined,
    baseline
      ? el('baseline', { year: baseline.year, 'iso-date': baseline.isoDate, value: baseline.value }, [
          baseline.comment ? el('comment', {}, [narrative(baseline.comment)]) : undefined,
        ])
      : undefined,
    ...indicator.periods.map((period) =>
      el('period', {}, [
        el('period-start', { 'iso-date': period.start }),
        el('period-end', { 'iso-date': period.end }),
        ...period.targets.map((target) => valueElement('target', target)),
        ...period.actuals.map((actual) => valueElement('actual', actual)),
      ]),
    ),
  ]);
}

/** A target or actual: dimensions come before the comment, as the schema orders them. */
function valueElement(name: 'target' | 'actual', value: IatiValue): XmlElement {
  return el(name, { value: value.value }, [
    ...(value.dimensions ?? []).map((dimension) => el('dimension', { name: dimension.name, value: dimension.value })),
    value.comment ? el('comment', {}, [narrative(value.comment)]) : undefined,
  ]);
}
