/**
 * The IATI 2.03 codelists an activity document uses, as sets of codes. The schema checks structure,
 * not code values (`code="xx"` passes), so the exporter checks codes against these itself.
 */

/** ActivityStatus: 1 pipeline/identification, 2 implementation, 3 finalisation, 4 closed, 5 cancelled, 6 suspended. */
export const ACTIVITY_STATUS_CODES: ReadonlySet<string> = new Set(['1', '2', '3', '4', '5', '6']);

/** ActivityDateType: 1 planned start, 2 actual start, 3 planned end, 4 actual end. */
export const ACTIVITY_DATE_TYPES = { plannedStart: '1', actualStart: '2', plannedEnd: '3', actualEnd: '4' } as const;
export const ACTIVITY_DATE_TYPE_CODES: ReadonlySet<string> = new Set(Object.values(ACTIVITY_DATE_TYPES));

/** OrganisationRole: 1 funding, 2 accountable, 3 extending, 4 implementing. */
export const ORGANISATION_ROLE_CODES: ReadonlySet<string> = new Set(['1', '2', '3', '4']);

/**
 * OrganisationType: government (10, 11 local, 15 other public sector), NGOs (21 international, 22 national,
 * 23 regional, 24 partner-country based), 30 public-private partnership, 40 multilateral, 60 foundation,
 * private sector (70, 71 provider country, 72 recipient country, 73 third country), 80 academic/research,
 * 90 other.
 */
export const ORGANISATION_TYPE_CODES: ReadonlySet<string> = new Set([
  '10', '11', '15', '21', '22', '23', '24', '30', '40', '60', '70', '71', '72', '73', '80', '90',
]);

/** IndicatorMeasure: 1 unit, 2 percentage, 3 nominal, 4 ordinal, 5 qualitative. */
export const INDICATOR_MEASURE_CODES: ReadonlySet<string> = new Set(['1', '2', '3', '4', '5']);

/** ResultType: 1 output, 2 outcome, 3 impact, 9 other. */
export const RESULT_TYPE_CODES: ReadonlySet<string> = new Set(['1', '2', '3', '9']);

/** SectorVocabulary 1: OECD DAC CRS purpose codes (5 digit). */
export const SECTOR_VOCABULARY_DAC_5 = '1';

/** DescriptionType 1: general description of the activity. */
export const DESCRIPTION_TYPE_GENERAL = '1';

/** The WGS 84 reference system IATI asks `point/@srsName` to name. */
export const WGS84_SRS_NAME = 'http://www.opengis.net/def/crs/EPSG/0/4326';
