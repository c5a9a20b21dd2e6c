import { describe, expect, it } from '@jest/globals';

import type { ProjectCommand, SexDisaggregationInput } from './project.commands.js';
import { decide } from './project.decider.js';
import {
  DuplicateId,
  IndicatorNotFound,
  InvalidInput,
  MeasurementAlreadyCorrected,
  MeasurementNotFound,
  NotStarted,
  ProjectIsFinal,
  ReasonRequired,
} from './project.errors.js';
import type { MeasurementCorrected, ProjectEvent } from './project.events.js';
import { evolve, rebuildProjectState } from './project.evolve.js';
import type { ProjectState } from './project.state.js';
import type { SexDisaggregation } from './project.values.js';
import { given } from './testing/given-when-then.js';
import {
  DECIDED_ON,
  PROJECT_ID,
  STARTED_STATUSES,
  cattleMeasured,
  content,
  historyWithContentIn,
  projectApproved,
  projectCancelled,
  projectClosed,
  projectFinalised,
  projectProposed,
  projectStarted,
} from './testing/project.fixtures.js';

const measured: ProjectEvent[] = [...historyWithContentIn('implementation'), cattleMeasured];

/** Final projects that had measurements before they closed or were cancelled. */
const finalHistories = [
  [
    'closed',
    [projectProposed, ...content, projectApproved, projectStarted, cattleMeasured, projectFinalised, projectClosed],
  ],
  ['cancelled', [projectProposed, ...content, projectApproved, projectStarted, cattleMeasured, projectCancelled]],
] as const;

const firstCorrection: MeasurementCorrected = {
  type: 'MeasurementCorrected',
  data: {
    projectId: PROJECT_ID,
    indicatorId: 'ind-cattle',
    measurementId: 'msr-2',
    correctsMeasurementId: 'msr-1',
    value: 58,
    date: '2018-03-31',
    periodStart: '2018-01-01',
    reason: 'Two heads were counted twice.',
  },
};

describe('RecordMeasurement', () => {
  it.each(STARTED_STATUSES)('records a value for a period on a %s project', (status) => {
    given(...historyWithContentIn(status))
      .when({
        type: 'RecordMeasurement',
        data: {
          indicatorId: 'ind-households',
          measurementId: 'msr-7',
          value: 20,
          date: '2018-03-31',
          periodStart: '2018-01-01',
          disaggregation: { female: 7, male: 13, unknown: 0 },
          note: 'Group register, March.',
        },
      })
      .then({
        type: 'MeasurementRecorded',
        data: {
          projectId: PROJECT_ID,
          indicatorId: 'ind-households',
          measurementId: 'msr-7',
          value: 20,
          date: '2018-03-31',
          periodStart: '2018-01-01',
          disaggregation: { female: 7, male: 13, unknown: 0 },
          note: 'Group register, March.',
        },
      });
  });

  it('records a value for a date, without period, disaggregation or note', () => {
    given(...historyWithContentIn('implementation'))
      .when({
        type: 'RecordMeasurement',
        data: { indicatorId: 'ind-cattle', measurementId: 'msr-1', value: 60, date: '2018-03-31' },
      })
      .then({
        type: 'MeasurementRecorded',
        data: {
          projectId: PROJECT_ID,
          indicatorId: 'ind-cattle',
          measurementId: 'msr-1',
          value: 60,
          date: '2018-03-31',
        },
      });
  });

  it('records a period that is a single day', () => {
    given(...historyWithContentIn('implementation'))
      .when({
        type: 'RecordMeasurement',
        data: {
          indicatorId: 'ind-cattle',
          measurementId: 'msr-1',
          value: 60,
          date: '2018-03-31',
          periodStart: '2018-03-31',
        },
      })
      .then({
        type: 'MeasurementRecorded',
        data: {
          projectId: PROJECT_ID,
          indicatorId: 'ind-cattle',
          measurementId: 'msr-1',
          value: 60,
          date: '2018-03-31',
          periodStart: '2018-03-31',
        },
      });
  });

  it('refuses a period that starts after it ends', () => {
    given(...historyWithContentIn('implementation'))
      .when({
        type: 'RecordMeasurement',
        data: {
          indicatorId: 'ind-cattle',
          measurementId: 'msr-1',
          value: 60,
          date: '2018-03-31',
          periodStart: '2018-04-01',
        },
      })
      .thenThrows(InvalidInput, 'MEASUREMENT.INVALID_PERIOD', ['periodStart']);
  });

  it.each(['proposed', 'approved'] as const)('refuses a measurement on a %s project, not started yet', (status) => {
    const error = given(...historyWithContentIn(status))
      .when({
        type: 'RecordMeasurement',
        data: { indicatorId: 'ind-cattle', measurementId: 'msr-1', value: 1, date: '2017-02-01' },
      })
      .thenThrows(NotStarted, 'PROJECT.NOT_STARTED');
    expect(error.message).toBe(
      `A measurement can be recorded only once the project has started; this project is still ${status}. Start it first.`,
    );
  });

  it.each(finalHistories)('refuses a measurement on a %s project', (_status, history) => {
    given(...history)
      .when({
        type: 'RecordMeasurement',
        data: { indicatorId: 'ind-cattle', measurementId: 'msr-9', value: 1, date: '2021-01-01' },
      })
      .thenThrows(ProjectIsFinal, 'PROJECT.FINAL');
  });

  it('refuses an unknown indicator', () => {
    given(...measured)
      .when({
        type: 'RecordMeasurement',
        data: { indicatorId: 'ind-looms', measurementId: 'msr-9', value: 1, date: '2018-04-30' },
      })
      .thenThrows(IndicatorNotFound, 'INDICATOR.NOT_FOUND');
  });

  it.each(['proposed', 'approved', 'closed'] as const)('refuses an unknown indicator or measurement of a %s project as not found, before its status', (status) => {
    const history = historyWithContentIn(status);
    given(...history)
      .when({ type: 'RecordMeasurement', data: { indicatorId: 'ind-looms', measurementId: 'msr-9', value: 1, date: '2017-02-01' } })
      .thenThrows(IndicatorNotFound, 'INDICATOR.NOT_FOUND');
    given(...history)
      .when({ type: 'ReviseIndicatorTarget', data: { indicatorId: 'ind-looms', target: { value: 9 }, reason: 'Fewer.' } })
      .thenThrows(IndicatorNotFound, 'INDICATOR.NOT_FOUND');
    given(...history)
      .when({ type: 'CorrectMeasurement', data: { indicatorId: 'ind-looms', measurementId: 'msr-9', correctsMeasurementId: 'msr-1', value: 1, reason: 'Recount.' } })
      .thenThrows(IndicatorNotFound, 'INDICATOR.NOT_FOUND');
    given(...history)
      .when({ type: 'CorrectMeasurement', data: { indicatorId: 'ind-cattle', measurementId: 'msr-9', correctsMeasurementId: 'msr-none', value: 1, reason: 'Recount.' } })
      .thenThrows(MeasurementNotFound, 'MEASUREMENT.NOT_FOUND');
  });

  it.each(['ind-cattle', 'ind-households'])('refuses a measurement id already used, here on %s', (indicatorId) => {
    given(...measured)
      .when({ type: 'RecordMeasurement', data: { indicatorId, measurementId: 'msr-1', value: 1, date: '2018-04-30' } })
      .thenThrows(DuplicateId, 'MEASUREMENT.ALREADY_EXISTS');
  });
});

describe('sex disaggregation', () => {
  const record = (value: number, disaggregation: SexDisaggregationInput) => ({
    type: 'RecordMeasurement' as const,
    data: { indicatorId: 'ind-households', measurementId: 'msr-7', value, date: '2018-03-31', disaggregation },
  });
  const recorded = (value: number, disaggregation: SexDisaggregation) => ({
    type: 'MeasurementRecorded' as const,
    data: {
      projectId: PROJECT_ID,
      indicatorId: 'ind-households',
      measurementId: 'msr-7',
      value,
      date: '2018-03-31',
      disaggregation,
    },
  });

  it.each<[string, number, SexDisaggregationInput, SexDisaggregation]>([
    // A part not given while some are unknown is not known to be 0: it may be among the unknown.
    ['20 participants (7 women)', 20, { female: 7 }, { female: 7, unknown: 13 }],
    ['20 participants (7 women, 5 men)', 20, { female: 7, male: 5 }, { female: 7, male: 5, unknown: 8 }],
    ['20 participants (13 men)', 20, { male: 13 }, { male: 13, unknown: 7 }],
    ['20 participants, no part known', 20, {}, { unknown: 20 }],
    // Nobody unknown: whatever part is left out is none.
    ['20 participants, all women and men', 20, { female: 7, male: 13 }, { female: 7, male: 13, unknown: 0 }],
    ['20 participants, all women', 20, { female: 20 }, { female: 20, male: 0, unknown: 0 }],
    ['all three parts adding up', 20, { female: 7, male: 5, unknown: 8 }, { female: 7, male: 5, unknown: 8 }],
    // Some unknown, whether said or worked out: the men among them were not reported, so no male part.
    ['women and the unknown adding up', 20, { female: 7, unknown: 13 }, { female: 7, unknown: 13 }],
    ['only the unknown part, the whole', 20, { unknown: 20 }, { unknown: 20 }],
    ['men given as none, and the unknown', 20, { female: 7, male: 0, unknown: 13 }, { female: 7, male: 0, unknown: 13 }],
    ['nobody', 0, { female: 0 }, { female: 0, male: 0, unknown: 0 }],
  ])('completes %s', (_case, value, input, complete) => {
    given(...historyWithContentIn('implementation'))
      .when(record(value, input))
      .then(recorded(value, complete));
  });

  it.each<[string, SexDisaggregationInput, string]>([
    ['a negative female part', { female: -1 }, 'disaggregation.female'],
    ['a negative male part', { female: 3, male: -2 }, 'disaggregation.male'],
    ['a negative unknown part', { female: 7, male: 14, unknown: -1 }, 'disaggregation.unknown'],
    ['a part that is no number', { female: Number.NaN }, 'disaggregation.female'],
    ['an infinite part', { male: Number.POSITIVE_INFINITY }, 'disaggregation.male'],
    ['a part that is no whole number of people', { female: 7.5 }, 'disaggregation.female'],
    ['women and men exceeding the total', { female: 15, male: 6 }, 'disaggregation'],
    ['women alone exceeding the total', { female: 21 }, 'disaggregation'],
    ['three parts adding up to less', { female: 7, male: 5, unknown: 7 }, 'disaggregation'],
    ['three parts adding up to more', { female: 7, unknown: 14 }, 'disaggregation'],
  ])('refuses %s', (_case, input, field) => {
    given(...historyWithContentIn('implementation'))
      .when(record(20, input))
      .thenThrows(InvalidInput, 'MEASUREMENT.INVALID_DISAGGREGATION', [field]);
  });

  it.each<[string, SexDisaggregationInput]>([
    ['the unknown part left to derive', { female: 7 }],
    ['every part given', { female: 7, male: 13, unknown: 0.5 }],
  ])('refuses to disaggregate a value that is no whole number (%s): no half person is stored as unknown', (_case, input) => {
    const refused = given(...historyWithContentIn('implementation'))
      .when(record(20.5, input))
      .thenThrows(InvalidInput, 'MEASUREMENT.INVALID_DISAGGREGATION', ['disaggregation']);
    expect(refused.message).toBe(
      'A value of 20.5 cannot be disaggregated by sex: the parts count people, whole numbers, and add up to the value. ' +
        'Record a whole number, or the value without a disaggregation.',
    );
  });

  it('names the parts as given when they do not add up, a part left out as not reported (not 0)', () => {
    const refused = (input: SexDisaggregationInput) =>
      given(...historyWithContentIn('implementation')).when(record(20, input)).thenThrows(InvalidInput, 'MEASUREMENT.INVALID_DISAGGREGATION', ['disaggregation']).message;
    expect(refused({ female: 7, unknown: 5 })).toBe('The parts of the disaggregation (female 7, unknown 5; male not reported) add up to 12, not to the value 20.');
    expect(refused({ female: 15, male: 9 })).toBe('The parts of the disaggregation (female 15, male 9; unknown not reported) add up to more than the value 20.');
  });

  it('refuses to disaggregate a negative value, saying so rather than that the parts exceed it', () => {
    const refused = given(...historyWithContentIn('implementation'))
      .when(record(-5, { female: 0, male: 0 }))
      .thenThrows(InvalidInput, 'MEASUREMENT.INVALID_DISAGGREGATION', ['disaggregation']);
    expect(refused.message).toBe(
      'A negative value (-5) cannot be disaggregated by sex: the parts count people and are zero or more. Record it without a disaggregation.',
    );
  });
});

describe('sex disaggregation of what is not a count', () => {
  // 40 % of all participants is not 30 % of the women plus 10 % of the men.
  const adoptionDefined: ProjectEvent = {
    type: 'IndicatorDefined',
    data: {
      projectId: PROJECT_ID,
      indicatorId: 'ind-adoption',
      title: 'Households using the new cattle shed',
      unit: '%',
      measure: 2,
      resultLevel: 2,
      baseline: { value: 0 },
      target: { value: 80 },
    },
  };
  const adoptionMeasured: ProjectEvent = {
    type: 'MeasurementRecorded',
    data: { projectId: PROJECT_ID, indicatorId: 'ind-adoption', measurementId: 'msr-8', value: 40, date: '2018-03-31' },
  };
  const history = [...historyWithContentIn('implementation'), adoptionDefined];

  it('is refused on a percentage, naming the measure, in a record and in a correction', () => {
    const refused = given(...history)
      .when({ type: 'RecordMeasurement', data: { indicatorId: 'ind-adoption', measurementId: 'msr-8', value: 40, date: '2018-03-31', disaggregation: { female: 30 } } })
      .thenThrows(InvalidInput, 'MEASUREMENT.DISAGGREGATION_NOT_A_COUNT', ['disaggregation']);
    expect(refused.message).toMatch(/"Households using the new cattle shed" measures a percentage \(IATI measure 2\)/);
    given(...history, adoptionMeasured)
      .when({
        type: 'CorrectMeasurement',
        data: { indicatorId: 'ind-adoption', measurementId: 'msr-9', correctsMeasurementId: 'msr-8', value: 45, reason: 'Recount', disaggregation: { female: 30 } },
      })
      .thenThrows(InvalidInput, 'MEASUREMENT.DISAGGREGATION_NOT_A_COUNT', ['disaggregation']);
  });

  it('leaves a percentage without one as it was', () => {
    given(...history)
      .when({ type: 'RecordMeasurement', data: { indicatorId: 'ind-adoption', measurementId: 'msr-8', value: 40, date: '2018-03-31' } })
      .then(adoptionMeasured);
  });
});

describe('sex disaggregation per group (an average: income per weaver)', () => {
  const incomeDefined: ProjectEvent = {
    type: 'IndicatorDefined',
    data: {
      projectId: PROJECT_ID,
      indicatorId: 'ind-income',
      title: 'Income per weaver',
      unit: 'USD a year',
      measure: 1,
      resultLevel: 2,
      baseline: { value: 300 },
      target: { value: 900 },
      sexBreakdown: 'per-group',
    },
  };
  const incomeMeasured: ProjectEvent = {
    type: 'MeasurementRecorded',
    data: { projectId: PROJECT_ID, indicatorId: 'ind-income', measurementId: 'msr-8', value: 800, date: '2018-03-31', disaggregation: { female: 850, male: 700 } },
  };
  const history = [...historyWithContentIn('implementation'), incomeDefined];
  const record = (value: number, disaggregation: SexDisaggregationInput) => ({
    type: 'RecordMeasurement' as const,
    data: { indicatorId: 'ind-income', measurementId: 'msr-8', value, date: '2018-03-31', disaggregation },
  });
  const recorded = (value: number, disaggregation: SexDisaggregation) => ({
    type: 'MeasurementRecorded' as const,
    data: { projectId: PROJECT_ID, indicatorId: 'ind-income', measurementId: 'msr-8', value, date: '2018-03-31', disaggregation },
  });

  it.each<[string, number, SexDisaggregationInput, SexDisaggregation]>([
    ['women earning more than the average of all', 800, { female: 850, male: 700 }, { female: 850, male: 700 }],
    ['women alone: the men are not inferred to earn 0', 900, { female: 900 }, { female: 900 }],
    ['a part in cents', 812.5, { male: 775.25 }, { male: 775.25 }],
    ['the group of unknown sex, as given', 800, { female: 850, unknown: 640 }, { female: 850, unknown: 640 }],
    ['a fall in income, for each group', -20, { female: -35, male: 5 }, { female: -35, male: 5 }],
  ])('stores %s as given, summing nothing', (_case, value, input, stored) => {
    given(...history).when(record(value, input)).then(recorded(value, stored));
  });

  it('refuses a breakdown that gives no part', () => {
    given(...history).when(record(800, {})).thenThrows(InvalidInput, 'MEASUREMENT.INVALID_DISAGGREGATION', ['disaggregation']);
  });

  it('takes the same in a correction', () => {
    given(...history, incomeMeasured)
      .when({
        type: 'CorrectMeasurement',
        data: { indicatorId: 'ind-income', measurementId: 'msr-9', correctsMeasurementId: 'msr-8', value: 810, reason: 'Late sales', disaggregation: { female: 870 } },
      })
      .then({
        type: 'MeasurementCorrected',
        data: { projectId: PROJECT_ID, indicatorId: 'ind-income', measurementId: 'msr-9', correctsMeasurementId: 'msr-8', value: 810, date: '2018-03-31', disaggregation: { female: 870 }, reason: 'Late sales' },
      });
  });

  it('is taken on a percentage, and refused on a qualitative measure', () => {
    const defined = (measure: 2 | 5): ProjectEvent => ({ ...incomeDefined, data: { ...incomeDefined.data, measure } } as ProjectEvent);
    given(...historyWithContentIn('implementation'), defined(2)).when(record(40, { female: 55 })).then(recorded(40, { female: 55 }));
    given(...historyWithContentIn('implementation'), defined(5))
      .when(record(3, { female: 4 }))
      .thenThrows(InvalidInput, 'MEASUREMENT.DISAGGREGATION_NOT_A_COUNT', ['disaggregation']);
  });
});

describe('CorrectMeasurement', () => {
  it.each(STARTED_STATUSES)(
    'corrects a measurement of a %s project, for the same date and period by default',
    (status) => {
      given(...historyWithContentIn(status), cattleMeasured)
        .when({
          type: 'CorrectMeasurement',
          data: {
            indicatorId: 'ind-cattle',
            measurementId: 'msr-2',
            correctsMeasurementId: 'msr-1',
            value: 58,
            reason: 'Two heads were counted twice.',
          },
        })
        .then(firstCorrection);
    },
  );

  it('refuses a correction that says what the measurement already says, as other commands that change nothing are', () => {
    const same = (data: object) =>
      given(...measured).when({
        type: 'CorrectMeasurement',
        data: { indicatorId: 'ind-cattle', measurementId: 'msr-2', correctsMeasurementId: 'msr-1', value: 60, reason: 'Checked again.', ...data },
      });
    const error = same({}).thenThrows(InvalidInput, 'MEASUREMENT.SAME_VALUE', ['value']);
    expect(error.message).toBe('Measurement msr-1 already says this (60 on 2018-03-31); a correction gives a different value, date, period or breakdown.');
    same({ date: '2018-03-31', periodStart: '2018-01-01' }).thenThrows(InvalidInput, 'MEASUREMENT.SAME_VALUE', ['value']);
    // Any one thing different is a correction.
    for (const data of [{ value: 61 }, { date: '2018-03-30' }, { date: '2018-03-31', periodStart: '2018-02-01' }, { disaggregation: { female: 20 } }]) {
      expect(decide({ type: 'CorrectMeasurement', data: { indicatorId: 'ind-cattle', measurementId: 'msr-2', correctsMeasurementId: 'msr-1', value: 60, reason: 'Checked again.', ...data } }, rebuildProjectState(measured), DECIDED_ON)).toHaveLength(1);
    }
  });

  it("takes the date given, keeping the corrected period's start when the date is not before it", () => {
    given(...measured)
      .when({
        type: 'CorrectMeasurement',
        data: {
          indicatorId: 'ind-cattle',
          measurementId: 'msr-2',
          correctsMeasurementId: 'msr-1',
          value: 60,
          date: '2018-03-30',
          reason: 'The handover was on the 30th.',
        },
      })
      .then({
        type: 'MeasurementCorrected',
        data: {
          projectId: PROJECT_ID,
          indicatorId: 'ind-cattle',
          measurementId: 'msr-2',
          correctsMeasurementId: 'msr-1',
          value: 60,
          date: '2018-03-30',
          periodStart: '2018-01-01',
          reason: 'The handover was on the 30th.',
        },
      });
  });

  it("refuses a date before the corrected period's start without a period start, naming both", () => {
    const error = given(...measured)
      .when({
        type: 'CorrectMeasurement',
        data: { indicatorId: 'ind-cattle', measurementId: 'msr-2', correctsMeasurementId: 'msr-1', value: 60, date: '2017-12-31', reason: 'Counted in December.' },
      })
      .thenThrows(InvalidInput, 'MEASUREMENT.INVALID_PERIOD', ['periodStart', 'date']);
    expect(error.message).toBe(
      'The measurement corrected is for the period from 2018-01-01 to 2018-03-31, and the date 2017-12-31 is before that period starts. ' +
        'Give periodStart with the date (the date itself for a single day).',
    );
  });

  it('makes a period a single day when the period start given is the date', () => {
    given(...measured)
      .when({
        type: 'CorrectMeasurement',
        data: { indicatorId: 'ind-cattle', measurementId: 'msr-2', correctsMeasurementId: 'msr-1', value: 60, date: '2017-12-31', periodStart: '2017-12-31', reason: 'Counted in one day.' },
      })
      .then({
        type: 'MeasurementCorrected',
        data: { projectId: PROJECT_ID, indicatorId: 'ind-cattle', measurementId: 'msr-2', correctsMeasurementId: 'msr-1', value: 60, date: '2017-12-31', periodStart: '2017-12-31', reason: 'Counted in one day.' },
      });
  });

  it('refuses a period start given without a date, naming date: a period is given whole', () => {
    const error = given(...measured)
      .when({
        type: 'CorrectMeasurement',
        data: {
          indicatorId: 'ind-cattle',
          measurementId: 'msr-2',
          correctsMeasurementId: 'msr-1',
          value: 60,
          periodStart: '2018-02-01',
          reason: 'The period began in February.',
        },
      })
      .thenThrows(InvalidInput, 'MEASUREMENT.PERIOD_WITHOUT_END', ['date']);
    expect(error.message).toBe('The period start 2018-02-01 is given without the date the period ends; give that date too.');
  });

  it('completes the disaggregation of the corrected value', () => {
    const householdsMeasured: ProjectEvent = {
      type: 'MeasurementRecorded',
      data: {
        projectId: PROJECT_ID,
        indicatorId: 'ind-households',
        measurementId: 'msr-7',
        value: 20,
        date: '2018-03-31',
        disaggregation: { female: 7, male: 0, unknown: 13 },
      },
    };
    given(...measured, householdsMeasured)
      .when({
        type: 'CorrectMeasurement',
        data: {
          indicatorId: 'ind-households',
          measurementId: 'msr-8',
          correctsMeasurementId: 'msr-7',
          value: 22,
          disaggregation: { female: 9, male: 13 },
          reason: 'Two late registrations.',
        },
      })
      .then({
        type: 'MeasurementCorrected',
        data: {
          projectId: PROJECT_ID,
          indicatorId: 'ind-households',
          measurementId: 'msr-8',
          correctsMeasurementId: 'msr-7',
          value: 22,
          date: '2018-03-31',
          disaggregation: { female: 9, male: 13, unknown: 0 },
          reason: 'Two late registrations.',
        },
      });
  });

  describe('a correction that gives no breakdown, of a measurement broken down by sex', () => {
    const householdsMeasured: ProjectEvent = {
      type: 'MeasurementRecorded',
      data: { projectId: PROJECT_ID, indicatorId: 'ind-households', measurementId: 'msr-7', value: 40, date: '2018-03-31', disaggregation: { female: 15, male: 25, unknown: 0 } },
    };
    const correction = (data: Record<string, unknown>) =>
      given(...measured, householdsMeasured).when({
        type: 'CorrectMeasurement',
        data: { indicatorId: 'ind-households', measurementId: 'msr-8', correctsMeasurementId: 'msr-7', reason: 'Retyped.', ...data } as never,
      });

    it('keeps its breakdown for the same value, as it keeps its date (it dropped it)', () => {
      correction({ value: 40, date: '2018-03-30' }).then({
        type: 'MeasurementCorrected',
        data: {
          projectId: PROJECT_ID, indicatorId: 'ind-households', measurementId: 'msr-8', correctsMeasurementId: 'msr-7', value: 40, date: '2018-03-30',
          disaggregation: { female: 15, male: 25, unknown: 0 }, reason: 'Retyped.',
        },
      });
      // Nothing else given, it is the same measurement: nothing to correct.
      correction({ value: 40 }).thenThrows(InvalidInput, 'MEASUREMENT.SAME_VALUE', ['value']);
    });

    it('refuses another value, naming the breakdown that does not carry over, and takes {} for none known', () => {
      const error = correction({ value: 45 }).thenThrows(InvalidInput, 'MEASUREMENT.BREAKDOWN_REQUIRED', ['disaggregation']);
      expect(error.message).toBe(
        'Measurement msr-7 of 40 is broken down by sex (female 15, male 25, unknown 0), and a breakdown does not carry over to another value: ' +
          'give the breakdown of 45 in "disaggregation" ({} when none is known).',
      );
      correction({ value: 45, disaggregation: {} }).then({
        type: 'MeasurementCorrected',
        data: {
          projectId: PROJECT_ID, indicatorId: 'ind-households', measurementId: 'msr-8', correctsMeasurementId: 'msr-7', value: 45, date: '2018-03-31',
          disaggregation: { unknown: 45 }, reason: 'Retyped.',
        },
      });
    });
  });

  it('refuses a disaggregation that exceeds the corrected value', () => {
    given(...measured)
      .when({
        type: 'CorrectMeasurement',
        data: {
          indicatorId: 'ind-cattle',
          measurementId: 'msr-2',
          correctsMeasurementId: 'msr-1',
          value: 10,
          disaggregation: { female: 11 },
          reason: 'Recount.',
        },
      })
      .thenThrows(InvalidInput, 'MEASUREMENT.INVALID_DISAGGREGATION', ['disaggregation']);
  });

  it('corrects a correction, making a chain', () => {
    given(...measured, firstCorrection)
      .when({
        type: 'CorrectMeasurement',
        data: {
          indicatorId: 'ind-cattle',
          measurementId: 'msr-3',
          correctsMeasurementId: 'msr-2',
          value: 59,
          reason: 'Only one head was counted twice.',
        },
      })
      .then({
        type: 'MeasurementCorrected',
        data: {
          projectId: PROJECT_ID,
          indicatorId: 'ind-cattle',
          measurementId: 'msr-3',
          correctsMeasurementId: 'msr-2',
          value: 59,
          date: '2018-03-31',
          periodStart: '2018-01-01',
          reason: 'Only one head was counted twice.',
        },
      });
  });

  it('refuses to correct a measurement already corrected, naming the correction', () => {
    const error = given(...measured, firstCorrection)
      .when({
        type: 'CorrectMeasurement',
        data: {
          indicatorId: 'ind-cattle',
          measurementId: 'msr-3',
          correctsMeasurementId: 'msr-1',
          value: 59,
          reason: 'Again.',
        },
      })
      .thenThrows(MeasurementAlreadyCorrected, 'MEASUREMENT.ALREADY_CORRECTED', ['correctsMeasurementId']);
    expect(error.kind).toBe('conflict');
    expect(error.message).toBe('Measurement msr-1 has already been corrected by msr-2; correct msr-2 instead.');
  });

  it('refuses an unknown measurement', () => {
    given(...measured)
      .when({
        type: 'CorrectMeasurement',
        data: {
          indicatorId: 'ind-cattle',
          measurementId: 'msr-2',
          correctsMeasurementId: 'msr-0',
          value: 1,
          reason: 'Wrong.',
        },
      })
      .thenThrows(MeasurementNotFound, 'MEASUREMENT.NOT_FOUND', ['correctsMeasurementId']);
  });

  it('refuses a measurement of another indicator', () => {
    given(...measured)
      .when({
        type: 'CorrectMeasurement',
        data: {
          indicatorId: 'ind-households',
          measurementId: 'msr-2',
          correctsMeasurementId: 'msr-1',
          value: 1,
          reason: 'Wrong.',
        },
      })
      .thenThrows(MeasurementNotFound, 'MEASUREMENT.NOT_FOUND', ['correctsMeasurementId']);
  });

  it('refuses an unknown indicator', () => {
    given(...measured)
      .when({
        type: 'CorrectMeasurement',
        data: {
          indicatorId: 'ind-looms',
          measurementId: 'msr-2',
          correctsMeasurementId: 'msr-1',
          value: 1,
          reason: 'Wrong.',
        },
      })
      .thenThrows(IndicatorNotFound, 'INDICATOR.NOT_FOUND');
  });

  it('refuses a new id already used by a measurement', () => {
    given(...measured, firstCorrection)
      .when({
        type: 'CorrectMeasurement',
        data: {
          indicatorId: 'ind-cattle',
          measurementId: 'msr-1',
          correctsMeasurementId: 'msr-2',
          value: 59,
          reason: 'Recount.',
        },
      })
      .thenThrows(DuplicateId, 'MEASUREMENT.ALREADY_EXISTS');
  });

  it.each(['', '  '])('refuses a blank reason (%j)', (reason) => {
    const error = given(...measured)
      .when({
        type: 'CorrectMeasurement',
        data: { indicatorId: 'ind-cattle', measurementId: 'msr-2', correctsMeasurementId: 'msr-1', value: 58, reason },
      })
      .thenThrows(ReasonRequired, 'PROJECT.REASON_REQUIRED', ['reason']);
    expect(error.message).toBe('A reason is required to correct a measurement.');
  });

  it('refuses a period start after the date given', () => {
    given(...measured)
      .when({
        type: 'CorrectMeasurement',
        data: {
          indicatorId: 'ind-cattle',
          measurementId: 'msr-2',
          correctsMeasurementId: 'msr-1',
          value: 58,
          date: '2018-03-31',
          periodStart: '2018-04-01',
          reason: 'Wrong period.',
        },
      })
      .thenThrows(InvalidInput, 'MEASUREMENT.INVALID_PERIOD', ['periodStart']);
  });

  it.each(['proposed', 'approved'] as const)('refuses a correction on a %s project as not found: nothing is measured before the start', (status) => {
    given(...historyWithContentIn(status))
      .when({
        type: 'CorrectMeasurement',
        data: {
          indicatorId: 'ind-cattle',
          measurementId: 'msr-2',
          correctsMeasurementId: 'msr-1',
          value: 58,
          reason: 'Recount.',
        },
      })
      .thenThrows(MeasurementNotFound, 'MEASUREMENT.NOT_FOUND');
  });

  it.each(finalHistories)('refuses a correction on a %s project', (_status, history) => {
    given(...history)
      .when({
        type: 'CorrectMeasurement',
        data: {
          indicatorId: 'ind-cattle',
          measurementId: 'msr-2',
          correctsMeasurementId: 'msr-1',
          value: 58,
          reason: 'Recount.',
        },
      })
      .thenThrows(ProjectIsFinal, 'PROJECT.FINAL');
  });
});

describe('a measurement id already used, however the state deciding was reached', () => {
  const record = (measurementId: string): ProjectCommand => ({
    type: 'RecordMeasurement',
    data: { indicatorId: 'ind-cattle', measurementId, value: 1, date: '2018-04-30' },
  });
  const recorded = (state: ProjectState, measurementId: string): ProjectState => decide(record(measurementId), state, DECIDED_ON).reduce(evolve, state);
  const refused = (state: ProjectState, measurementId: string) => expect(() => decide(record(measurementId), state, DECIDED_ON)).toThrow(DuplicateId);
  const accepted = (state: ProjectState, measurementId: string) => expect(decide(record(measurementId), state, DECIDED_ON)).toHaveLength(1);

  it('is refused on states evolved one from the other, and a new id is not', () => {
    let state = rebuildProjectState(measured);
    refused(state, 'msr-1');
    for (let n = 0; n < 50; n++) state = recorded(state, `msr-long-${n}`);
    for (const id of ['msr-1', 'msr-long-0', 'msr-long-49']) refused(state, id);
    accepted(state, 'msr-long-50');
  });

  it('is told apart on two states evolved from the same one, and on the one they came from', () => {
    const before = rebuildProjectState(measured);
    refused(before, 'msr-1');
    const withX = recorded(before, 'msr-x');
    const withY = recorded(before, 'msr-y');
    refused(withX, 'msr-x');
    accepted(withX, 'msr-y');
    refused(withY, 'msr-y');
    accepted(withY, 'msr-x');
    accepted(before, 'msr-x');
    accepted(before, 'msr-y');
  });

  it('is refused on a state read back from a snapshot (JSON), and after a correction', () => {
    const state = JSON.parse(JSON.stringify(recorded(rebuildProjectState(measured), 'msr-z'))) as ProjectState;
    refused(state, 'msr-z');
    const corrected = decide(
      { type: 'CorrectMeasurement', data: { indicatorId: 'ind-cattle', measurementId: 'msr-fix', correctsMeasurementId: 'msr-z', value: 2, date: '2018-04-30', reason: 'Miscounted' } },
      state,
      DECIDED_ON,
    ).reduce(evolve, state);
    refused(corrected, 'msr-fix');
    refused(corrected, 'msr-z');
    accepted(corrected, 'msr-new');
  });
});
