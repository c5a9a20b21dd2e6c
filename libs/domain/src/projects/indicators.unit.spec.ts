import { describe, expect, it } from '@jest/globals';

import {
  ComponentNotFound,
  DatesOutOfOrder,
  DuplicateId,
  IndicatorNotFound,
  InvalidInput,
  ProjectIsFinal,
  ReasonRequired,
} from './project.errors.js';
import type { ProjectCommand } from './project.commands.js';
import type { DatedValue } from './project.values.js';
import { given } from './testing/given-when-then.js';
import {
  FINAL_STATUSES,
  OPEN_STATUSES,
  PROJECT_ID,
  cattleComponentAdded,
  cattleIndicatorDefined,
  historyWithContentIn,
  projectProposed,
} from './testing/project.fixtures.js';

describe('DefineIndicator', () => {
  it.each(OPEN_STATUSES)('defines an indicator under a component of a %s project', (status) => {
    given(...historyWithContentIn(status))
      .when({
        type: 'DefineIndicator',
        data: {
          indicatorId: 'ind-income',
          title: 'Income per weaver',
          description: 'Average yearly income of a weaver in the group.',
          unit: 'USD a year',
          measure: 1,
          resultLevel: 2,
          baseline: { value: 300, date: '2017-01-01' },
          target: { value: 600, date: '2020-06-30' },
          componentId: 'cmp-cattle',
        },
      })
      .then({
        type: 'IndicatorDefined',
        data: {
          projectId: PROJECT_ID,
          indicatorId: 'ind-income',
          title: 'Income per weaver',
          description: 'Average yearly income of a weaver in the group.',
          unit: 'USD a year',
          measure: 1,
          resultLevel: 2,
          baseline: { value: 300, date: '2017-01-01' },
          target: { value: 600, date: '2020-06-30' },
          componentId: 'cmp-cattle',
        },
      });
  });

  it('defines an indicator with a target below the baseline', () => {
    given(projectProposed)
      .when({
        type: 'DefineIndicator',
        data: {
          indicatorId: 'ind-poor',
          title: 'Households below the poverty line',
          unit: 'households',
          measure: 1,
          resultLevel: 3,
          baseline: { value: 52 },
          target: { value: 10 },
        },
      })
      .then({
        type: 'IndicatorDefined',
        data: {
          projectId: PROJECT_ID,
          indicatorId: 'ind-poor',
          title: 'Households below the poverty line',
          unit: 'households',
          measure: 1,
          resultLevel: 3,
          baseline: { value: 52 },
          target: { value: 10 },
        },
      });
  });

  it('keeps a sex breakdown per group, and one that adds up when it is said so', () => {
    for (const sexBreakdown of ['per-group', 'adds-up'] as const) {
      given(projectProposed)
        .when({
          type: 'DefineIndicator',
          data: { indicatorId: 'ind-income', title: 'Income per weaver', unit: 'USD a year', measure: 1, resultLevel: 2, baseline: { value: 300 }, target: { value: 900 }, sexBreakdown },
        })
        .then({
          type: 'IndicatorDefined',
          data: { projectId: PROJECT_ID, indicatorId: 'ind-income', title: 'Income per weaver', unit: 'USD a year', measure: 1, resultLevel: 2, baseline: { value: 300 }, target: { value: 900 }, sexBreakdown },
        });
    }
  });

  it.each([
    ['adds-up', 2, 'a percentage'],
    ['adds-up', 5, 'a qualitative value'],
    ['per-group', 5, 'a qualitative value'],
  ] as const)('refuses a sex breakdown %s on IATI measure %i, which could never take one', (sexBreakdown, measure, named) => {
    const error = given(projectProposed)
      .when({
        type: 'DefineIndicator',
        data: { indicatorId: 'ind-share', title: 'Share of households', unit: 'percent', measure, resultLevel: 2, baseline: { value: 10 }, target: { value: 60 }, sexBreakdown },
      })
      .thenThrows(InvalidInput, 'INDICATOR.SEX_BREAKDOWN_NOT_FOR_MEASURE', ['sexBreakdown']);
    expect(error.message).toContain(named);
  });

  it('refuses an indicator id already used in the project', () => {
    const { projectId: _projectId, indicatorId, ...data } = cattleIndicatorDefined.data;
    const error = given(...historyWithContentIn('implementation'))
      .when({ type: 'DefineIndicator', data: { ...data, indicatorId } })
      .thenThrows(DuplicateId, 'INDICATOR.ALREADY_EXISTS');
    expect(error.message).toBe('An indicator with id ind-cattle already exists in this project.');
  });

  it('refuses an unknown component', () => {
    given(projectProposed, cattleComponentAdded)
      .when({
        type: 'DefineIndicator',
        data: {
          indicatorId: 'ind-looms',
          title: 'Looms delivered',
          unit: 'looms',
          measure: 1,
          resultLevel: 1,
          baseline: { value: 0 },
          target: { value: 30 },
          componentId: 'cmp-weaving',
        },
      })
      .thenThrows(ComponentNotFound, 'COMPONENT.NOT_FOUND', ['componentId']);
  });

  it('refuses a target equal to the baseline', () => {
    given(projectProposed)
      .when({
        type: 'DefineIndicator',
        data: {
          indicatorId: 'ind-trained',
          title: 'People trained',
          unit: 'people',
          measure: 1,
          resultLevel: 1,
          baseline: { value: 0, date: '2017-01-01' },
          target: { value: 0, date: '2020-06-30' },
        },
      })
      .thenThrows(InvalidInput, 'INDICATOR.TARGET_EQUALS_BASELINE', ['target.value']);
  });

  describe('dates', () => {
    const defineTrained = (baseline: DatedValue, target: DatedValue): ProjectCommand => ({
      type: 'DefineIndicator',
      data: { indicatorId: 'ind-trained', title: 'People trained', unit: 'people', measure: 1, resultLevel: 1, baseline, target },
    });

    it('refuses a target dated before its baseline, naming target.date', () => {
      const error = given(projectProposed)
        .when(defineTrained({ value: 0, date: '2020-01-01' }, { value: 200, date: '2019-01-01' }))
        .thenThrows(DatesOutOfOrder, 'PROJECT.INVALID_DATES', ['target.date']);
      expect(error.message).toBe('The target date 2019-01-01 is before the baseline date 2020-01-01.');
    });

    it.each<[string, DatedValue, DatedValue]>([
      ['a target dated on its baseline day', { value: 0, date: '2020-01-01' }, { value: 200, date: '2020-01-01' }],
      ['an undated baseline', { value: 0 }, { value: 200, date: '2019-01-01' }],
      ['an undated target', { value: 0, date: '2020-01-01' }, { value: 200 }],
    ])('takes %s', (_case, baseline, target) => {
      given(projectProposed)
        .when(defineTrained(baseline, target))
        .then({
          type: 'IndicatorDefined',
          data: { projectId: PROJECT_ID, indicatorId: 'ind-trained', title: 'People trained', unit: 'people', measure: 1, resultLevel: 1, baseline, target },
        });
    });
  });

  it.each(FINAL_STATUSES)('refuses an indicator on a %s project', (status) => {
    given(...historyWithContentIn(status))
      .when({
        type: 'DefineIndicator',
        data: {
          indicatorId: 'ind-trained',
          title: 'People trained',
          unit: 'people',
          measure: 1,
          resultLevel: 1,
          baseline: { value: 0 },
          target: { value: 200 },
        },
      })
      .thenThrows(ProjectIsFinal, 'PROJECT.FINAL');
  });
});

describe('ReviseIndicatorTarget', () => {
  it.each(OPEN_STATUSES)('revises the target of an indicator of a %s project', (status) => {
    given(...historyWithContentIn(status))
      .when({
        type: 'ReviseIndicatorTarget',
        data: { indicatorId: 'ind-cattle', target: { value: 150, date: '2020-12-31' }, reason: 'Extra funding.' },
      })
      .then({
        type: 'IndicatorTargetRevised',
        data: {
          projectId: PROJECT_ID,
          indicatorId: 'ind-cattle',
          previousTarget: { value: 120, date: '2020-06-30' },
          target: { value: 150, date: '2020-12-31' },
          reason: 'Extra funding.',
        },
      });
  });

  it('names the target it replaces, after an earlier revision', () => {
    given(...historyWithContentIn('implementation'), {
      type: 'IndicatorTargetRevised',
      data: {
        projectId: PROJECT_ID,
        indicatorId: 'ind-cattle',
        previousTarget: { value: 120, date: '2020-06-30' },
        target: { value: 150 },
        reason: 'Extra funding.',
      },
    })
      .when({
        type: 'ReviseIndicatorTarget',
        data: { indicatorId: 'ind-cattle', target: { value: 100 }, reason: 'Cut.' },
      })
      .then({
        type: 'IndicatorTargetRevised',
        data: {
          projectId: PROJECT_ID,
          indicatorId: 'ind-cattle',
          previousTarget: { value: 150 },
          target: { value: 100 },
          reason: 'Cut.',
        },
      });
  });

  it('refuses an unknown indicator', () => {
    given(...historyWithContentIn('implementation'))
      .when({
        type: 'ReviseIndicatorTarget',
        data: { indicatorId: 'ind-looms', target: { value: 40 }, reason: 'More.' },
      })
      .thenThrows(IndicatorNotFound, 'INDICATOR.NOT_FOUND');
  });

  it('refuses a target equal to the baseline', () => {
    given(...historyWithContentIn('implementation'))
      .when({
        type: 'ReviseIndicatorTarget',
        data: { indicatorId: 'ind-cattle', target: { value: 0 }, reason: 'None.' },
      })
      .thenThrows(InvalidInput, 'INDICATOR.TARGET_EQUALS_BASELINE', ['target.value']);
  });

  it('refuses a target dated before the baseline, naming target.date', () => {
    const error = given(...historyWithContentIn('implementation'))
      .when({
        type: 'ReviseIndicatorTarget',
        data: { indicatorId: 'ind-cattle', target: { value: 150, date: '2016-12-31' }, reason: 'Extra funding.' },
      })
      .thenThrows(DatesOutOfOrder, 'PROJECT.INVALID_DATES', ['target.date']);
    expect(error.message).toBe('The target date 2016-12-31 is before the baseline date 2017-01-01.');
  });

  it('refuses the target the indicator already has, as a reschedule to the same due date is refused', () => {
    const error = given(...historyWithContentIn('implementation'))
      .when({
        type: 'ReviseIndicatorTarget',
        data: { indicatorId: 'ind-cattle', target: { value: 120, date: '2020-06-30' }, reason: 'Same.' },
      })
      .thenThrows(InvalidInput, 'INDICATOR.SAME_TARGET', ['target']);
    expect(error.message).toBe('Indicator ind-cattle already has this target (120 by 2020-06-30); give a different value or date.');
  });

  it.each([
    ['the same value by another date', { value: 120, date: '2020-12-31' }],
    ['the same value with no date', { value: 120 }],
    ['another value by the same date', { value: 130, date: '2020-06-30' }],
  ])('revises to %s', (_case, target) => {
    given(...historyWithContentIn('implementation'))
      .when({ type: 'ReviseIndicatorTarget', data: { indicatorId: 'ind-cattle', target, reason: 'Moved.' } })
      .then({
        type: 'IndicatorTargetRevised',
        data: { projectId: PROJECT_ID, indicatorId: 'ind-cattle', previousTarget: { value: 120, date: '2020-06-30' }, target, reason: 'Moved.' },
      });
  });

  it('refuses a blank reason', () => {
    const error = given(...historyWithContentIn('implementation'))
      .when({ type: 'ReviseIndicatorTarget', data: { indicatorId: 'ind-cattle', target: { value: 150 }, reason: ' ' } })
      .thenThrows(ReasonRequired, 'PROJECT.REASON_REQUIRED', ['reason']);
    expect(error.message).toBe('A reason is required to revise the target of an indicator.');
  });

  it.each(FINAL_STATUSES)('refuses a revision on a %s project', (status) => {
    given(...historyWithContentIn(status))
      .when({
        type: 'ReviseIndicatorTarget',
        data: { indicatorId: 'ind-cattle', target: { value: 150 }, reason: 'More.' },
      })
      .thenThrows(ProjectIsFinal, 'PROJECT.FINAL');
  });
});
