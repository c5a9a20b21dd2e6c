import type { Measurement } from './project.state.js';

/**
 * The ids of an indicator's measurements as a set, remembered per measurements array, so that checking
 * a new measurement's id does not walk every measurement the project ever recorded (a command on a
 * long-lived project would cost more with every measurement).
 *
 * States are immutable: each recording makes a new array, the old one plus the new measurement. `evolve`
 * hands the old array's set on to the new one (`measurementAdded`); the old array forgets it, and should
 * it be asked again (a state evolved twice, or an older state decided on), its set is built afresh. So a
 * set only ever holds the ids of the array it is remembered for.
 */
const idsByArray = new WeakMap<readonly Measurement[], Set<string>>();

export function measurementIdsOf(measurements: readonly Measurement[]): ReadonlySet<string> {
  let ids = idsByArray.get(measurements);
  if (!ids) {
    ids = new Set();
    for (const measurement of measurements) ids.add(measurement.measurementId);
    idsByArray.set(measurements, ids);
  }
  return ids;
}

/** `next` holds the measurements of `previous` and one more, `added`: the set moves on to it, if there is one. */
export function measurementAdded(previous: readonly Measurement[], next: readonly Measurement[], added: string): void {
  const ids = idsByArray.get(previous);
  if (!ids) return;
  idsByArray.delete(previous);
  ids.add(added);
  idsByArray.set(next, ids);
}
