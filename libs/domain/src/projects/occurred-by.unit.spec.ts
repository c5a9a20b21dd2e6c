import { describe, expect, it } from '@jest/globals';
import { businessDateOf, eventsOccurredBy } from './occurred-by.js';
import type { ProjectEvent } from './project.events.js';

/** Events of one stream, each with when it occurred; the parts added today, the facts dated in November. */
const at = (day: string) => `${day}T00:00:00.000Z`;
const stream: { type: ProjectEvent['type']; data: unknown; occurredAt: string }[] = [
  { type: 'ProjectProposed', data: {}, occurredAt: at('2026-12-03') },
  { type: 'ProjectApproved', data: { date: '2024-01-05' }, occurredAt: at('2024-01-05') },
  { type: 'ComponentAdded', data: { componentId: 'c-road' }, occurredAt: at('2026-12-03') },
  { type: 'MilestonePlanned', data: { milestoneId: 'm-bridge', componentId: 'c-road' }, occurredAt: at('2026-12-03') },
  { type: 'IndicatorDefined', data: { indicatorId: 'i-cattle' }, occurredAt: at('2026-12-03') },
  { type: 'IndicatorDefined', data: { indicatorId: 'i-weavers' }, occurredAt: at('2026-12-03') },
  { type: 'MilestoneReached', data: { milestoneId: 'm-bridge' }, occurredAt: at('2026-11-30') },
  { type: 'MeasurementRecorded', data: { indicatorId: 'i-cattle' }, occurredAt: at('2026-11-15') },
  { type: 'MeasurementRecorded', data: { indicatorId: 'i-weavers' }, occurredAt: at('2026-12-02') },
];
const types = (events: typeof stream) => events.map((event) => `${event.type}${JSON.stringify(event.data)}`);

describe('eventsOccurredBy', () => {
  it('counts the facts dated by then with the parts they need, entered whenever', () => {
    expect(types(eventsOccurredBy(stream, '2026-12-01T23:59:59.999Z'))).toEqual([
      'ProjectProposed{}',
      'ProjectApproved{"date":"2024-01-05"}',
      // The road: the bridge milestone, reached in November, belongs to it.
      'ComponentAdded{"componentId":"c-road"}',
      'MilestonePlanned{"milestoneId":"m-bridge","componentId":"c-road"}',
      'IndicatorDefined{"indicatorId":"i-cattle"}',
      'MilestoneReached{"milestoneId":"m-bridge"}',
      'MeasurementRecorded{"indicatorId":"i-cattle"}',
    ]);
  });

  it('leaves out a part no counted fact needs, and the facts dated later', () => {
    const byMidNovember = types(eventsOccurredBy(stream, '2026-11-15T23:59:59.999Z'));
    expect(byMidNovember).toEqual([
      'ProjectProposed{}',
      'ProjectApproved{"date":"2024-01-05"}',
      'IndicatorDefined{"indicatorId":"i-cattle"}',
      'MeasurementRecorded{"indicatorId":"i-cattle"}',
    ]);
  });

  it('counts the proposal alone when nothing else had occurred, and everything once all had', () => {
    expect(types(eventsOccurredBy(stream, '2020-01-01T00:00:00.000Z'))).toEqual(['ProjectProposed{}']);
    expect(eventsOccurredBy(stream, '2026-12-03T23:59:59.999Z')).toEqual(stream);
  });
});

describe('businessDateOf', () => {
  const P = { projectId: 'p' };
  it.each<[ProjectEvent, string | undefined]>([
    [{ type: 'ProjectApproved', data: { ...P, date: '2017-08-20' } }, '2017-08-20'],
    [{ type: 'ProjectStarted', data: { ...P, actualStart: '2017-09-15' } }, '2017-09-15'],
    [{ type: 'ProjectSuspended', data: { ...P, date: '2018-01-10', reason: 'Floods' } }, '2018-01-10'],
    [{ type: 'ProjectResumed', data: { ...P, date: '2018-02-01' } }, '2018-02-01'],
    [{ type: 'ProjectFinalised', data: { ...P, actualEnd: '2020-06-30' } }, '2020-06-30'],
    [{ type: 'ProjectClosed', data: { ...P, date: '2020-12-31' } }, '2020-12-31'],
    [{ type: 'ProjectCancelled', data: { ...P, date: '2019-05-31', reason: 'Funding withdrawn' } }, '2019-05-31'],
    [{ type: 'MilestoneReached', data: { ...P, milestoneId: 'm', reachedOn: '2018-05-20', evidence: 'Report', documentLinks: [] } }, '2018-05-20'],
    [{ type: 'MeasurementRecorded', data: { ...P, indicatorId: 'i', measurementId: 'a', value: 530, date: '2019-05-10' } }, '2019-05-10'],
    [{ type: 'MeasurementCorrected', data: { ...P, indicatorId: 'i', measurementId: 'b', correctsMeasurementId: 'a', value: 53, date: '2019-05-10', reason: 'Typo' } }, '2019-05-10'],
    [{ type: 'ComponentAdded', data: { ...P, componentId: 'c', name: 'Road', kind: 'infrastructure' } }, undefined],
    [{ type: 'MilestoneRescheduled', data: { ...P, milestoneId: 'm', previousDueDate: '2018-03-31', dueDate: '2018-06-30', reason: 'Rains' } }, undefined],
    [{ type: 'MilestoneWaived', data: { ...P, milestoneId: 'm', reason: 'Not needed' } }, undefined],
  ])('of %j is %s', (event, date) => {
    expect(businessDateOf(event)).toBe(date);
  });
});
