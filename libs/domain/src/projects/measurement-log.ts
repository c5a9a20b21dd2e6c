import type { Indicator, Measurement } from './project.state.js';

/**
 * An indicator's measurements, shared by the states that follow one another, so that recording a
 * measurement does not copy every measurement the indicator already has.
 *
 * States are immutable, and each state's indicator must go on holding exactly the measurements it was
 * made with. Copying them into a new array on every recording did that, at a cost that grew with the
 * project: on a project with thousands of measurements, the copies were most of what a busy API
 * allocated and the main cause of its long garbage-collection pauses.
 *
 * So an indicator evolved here sees the first `length` items of a log. Recording a measurement on the
 * indicator that sees the whole log (the usual case: the latest state is the one evolved) pushes onto the
 * log and makes an indicator that sees one more; the older indicator still sees only its own. Recording
 * on an older indicator, one whose log has since grown (a state evolved twice, or an older state decided
 * on again), copies its part into a new log first, as a Go slice does. A correction, which changes a
 * measurement already recorded, always copies.
 *
 * The indicator's `measurements` is an ordinary array, made from its part of the log when first read and
 * kept. Deciding a recording does not read it (`measurementIdsOf`), so neither does a busy API.
 */
interface MeasurementLog {
  readonly items: Measurement[];
  /** The ids of all `items`, made when first asked for and kept up to date while the log grows. */
  ids: Set<string> | undefined;
}

interface LogView {
  readonly log: MeasurementLog;
  readonly length: number;
}

/** Each indicator made here, or whose ids were asked for, and the part of a log it sees. */
const views = new WeakMap<Indicator, LogView>();

/** An indicator's own fields: all but its measurements. */
export type IndicatorFields = Omit<Indicator, 'measurements'>;

/** A newly defined indicator: `fields` and no measurements yet. */
export function indicatorWithoutMeasurements(fields: IndicatorFields): Indicator {
  return indicatorSeeing(fields, { log: { items: [], ids: new Set() }, length: 0 });
}

/** `indicator` with some of its own fields changed, and the same measurements. */
export function withIndicatorFields(indicator: Indicator, change: Partial<IndicatorFields>): Indicator {
  return indicatorSeeing({ ...fieldsOf(indicator), ...change }, viewOf(indicator));
}

/** `indicator` with `measurement` recorded after the measurements it has. */
export function withMeasurementRecorded(indicator: Indicator, measurement: Measurement): Indicator {
  const { log, length } = viewOf(indicator);
  if (length === log.items.length) {
    log.items.push(measurement);
    log.ids?.add(measurement.measurementId);
    return indicatorSeeing(fieldsOf(indicator), { log, length: length + 1 });
  }
  const items = log.items.slice(0, length);
  items.push(measurement);
  return indicatorSeeing(fieldsOf(indicator), { log: { items, ids: undefined }, length: length + 1 });
}

/**
 * `indicator` with `correction` recorded after the measurements it has, and the measurement it corrects
 * marked as superseded by it.
 */
export function withMeasurementCorrected(indicator: Indicator, correction: Measurement & { correctsMeasurementId: string }): Indicator {
  const { log, length } = viewOf(indicator);
  const items = log.items.slice(0, length);
  for (let index = 0; index < items.length; index++) {
    const measurement = items[index]!;
    if (measurement.measurementId === correction.correctsMeasurementId) {
      items[index] = { ...measurement, supersededBy: correction.measurementId };
    }
  }
  items.push(correction);
  // The ids are those of the log, and one more: when the indicator saw the whole log, its set moves on
  // to the new log (the old one makes its own again, should it be asked).
  let ids: Set<string> | undefined;
  if (length === log.items.length && log.ids !== undefined) {
    ids = log.ids.add(correction.measurementId);
    log.ids = undefined;
  }
  return indicatorSeeing(fieldsOf(indicator), { log: { items, ids }, length: items.length });
}

/**
 * The ids of `indicator`'s measurements, without walking them each time a new measurement's id is
 * checked: a command on a long-lived project would otherwise cost more with every measurement. The set
 * is read at once, not kept: it grows with the log.
 */
export function measurementIdsOf(indicator: Indicator): ReadonlySet<string> {
  const { log, length } = viewOf(indicator);
  if (length === log.items.length) return (log.ids ??= idsOf(log.items, length));
  return idsOf(log.items, length);
}

function indicatorSeeing(fields: IndicatorFields, view: LogView): Indicator {
  let measurements: Measurement[] | undefined;
  const indicator: Indicator = {
    ...fields,
    get measurements(): Measurement[] {
      return (measurements ??= view.log.items.slice(0, view.length));
    },
  };
  views.set(indicator, view);
  return indicator;
}

/**
 * The part of a log `indicator` sees. An indicator not made here (one read from a snapshot, or built by
 * hand) holds a plain array: it gets a log of its own, a copy, so that pushing onto the log never changes
 * the array it holds.
 */
function viewOf(indicator: Indicator): LogView {
  let view = views.get(indicator);
  if (view === undefined) {
    const items = indicator.measurements.slice();
    view = { log: { items, ids: undefined }, length: items.length };
    views.set(indicator, view);
  }
  return view;
}

/** Its fields, copied without reading its measurements (which would make them into an array). */
function fieldsOf(indicator: Indicator): IndicatorFields {
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(indicator)) {
    if (key !== 'measurements') fields[key] = indicator[key as keyof IndicatorFields];
  }
  return fields as unknown as IndicatorFields;
}

function idsOf(items: readonly Measurement[], length: number): Set<string> {
  const ids = new Set<string>();
  for (let index = 0; index < length; index++) ids.add(items[index]!.measurementId);
  return ids;
}
