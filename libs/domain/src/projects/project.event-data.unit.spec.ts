import { describe, expect, it } from '@jest/globals';
import { requireEventData } from './project.event-data.js';
import { evolve } from './project.evolve.js';
import { initialProjectState } from './project.state.js';

const projectId = '5b1f6a3e-2f0c-4c55-9c1e-0f6f4f1d2a10';
const componentAdded = { type: 'ComponentAdded', data: { projectId, componentId: 'c1', name: 'Road', kind: 'infrastructure' } };

describe('the data a stored event must have', () => {
  it('takes an event with every member its type always has, the optional ones left out', () => {
    expect(() => requireEventData(componentAdded)).not.toThrow();
    expect(() => requireEventData({ type: 'PlannedDatesRevised', data: { projectId, reason: 'Rains' } })).not.toThrow();
  });

  it('names the member missing, or of another kind, and data that is not an object', () => {
    expect(() => requireEventData({ type: 'ComponentAdded', data: { projectId } })).toThrow("its data's componentId is missing");
    expect(() => requireEventData({ type: 'MeasurementRecorded', data: { projectId, indicatorId: 'i', measurementId: 'm', value: '5', date: '2020-01-01' } })).toThrow(
      "its data's value is a string, not a number",
    );
    expect(() => requireEventData({ type: 'MilestoneReached', data: { projectId, milestoneId: 'm', reachedOn: '2020-01-01', evidence: 'x', documentLinks: null } })).toThrow(
      "its data's documentLinks is null, not an array",
    );
    expect(() => requireEventData({ type: 'ComponentAdded', data: null })).toThrow('its data is null, not an object');
    expect(() => requireEventData({ type: 'ComponentAdded', data: undefined })).toThrow('its data is missing');
    expect(() => requireEventData({ type: 'ComponentAdded', data: [] })).toThrow('its data is an array, not an object');
  });

  it('leaves an unknown type to the fold, which names it', () => {
    expect(() => requireEventData({ type: 'ProjectExploded', data: null })).not.toThrow();
  });

  it('is checked by evolve, which would otherwise keep a component under the key "undefined"', () => {
    expect(() => evolve(initialProjectState, { type: 'ComponentAdded', data: { projectId } } as never)).toThrow("its data's componentId is missing");
  });
});
