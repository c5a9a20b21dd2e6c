import { latestActual, type ProjectEvent, type ProjectState } from '@app/domain';

/**
 * What the notifier keeps of a project between batches: its state with each indicator's measurements cut
 * to its latest actual, the only measurement the rules read (progress, thresholds). Kept whole, a
 * project's state grows with every measurement, and the notifier would read and write all of it for
 * each batch that touches the project.
 *
 * `evolve` on the cut state still gives the right latest actual after a new measurement (compared with the
 * one kept) and after a correction of any other measurement dated on another day than the one kept (the
 * one kept still stands, or the correction is later). A correction of the kept one, or one on the kept
 * one's day (which ranks by the recording it corrects, not held), needs the others: see `needsWholeState`.
 */
export function rememberedState(state: ProjectState): ProjectState {
  if (state.status === 'none') return state;
  let indicators: typeof state.indicators | undefined;
  for (const [id, indicator] of Object.entries(state.indicators)) {
    const latest = latestActual(indicator);
    if (indicator.measurements.length === (latest ? 1 : 0)) continue;
    indicators ??= { ...state.indicators };
    indicators[id] = { ...indicator, measurements: latest ? [latest] : [] };
  }
  return indicators ? { ...state, indicators } : state;
}

/**
 * Whether `event` is a correction the remembered state cannot rank: one of the measurement it kept for its
 * indicator (the next latest actual is then among the measurements it dropped), or one dated on the kept
 * one's day (it ranks against the kept one by when the recording it corrects was recorded, and that
 * recording was dropped). The state must then be folded again from the stream.
 */
export function needsWholeState(remembered: ProjectState, event: Pick<ProjectEvent, 'type' | 'data'>): boolean {
  if (event.type !== 'MeasurementCorrected' || remembered.status === 'none') return false;
  const { indicatorId, correctsMeasurementId, date } = (event as Extract<ProjectEvent, { type: 'MeasurementCorrected' }>).data;
  const indicator = Object.hasOwn(remembered.indicators, indicatorId) ? remembered.indicators[indicatorId] : undefined;
  return indicator?.measurements.some((measurement) => measurement.measurementId === correctsMeasurementId || measurement.date === date) ?? false;
}
