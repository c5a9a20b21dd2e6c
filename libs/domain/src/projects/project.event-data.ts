import type { ProjectEvent, ProjectEventType } from './project.events.js';

type Kind = 'string' | 'number' | 'object' | 'array';

const ids = { projectId: 'string' } as const;

/**
 * The members each event's data always has, by kind: what the decider always writes (project.events.ts),
 * the optional ones left out. A stored event without one of them was changed by hand, since an append
 * stores only what the decider decided.
 */
const REQUIRED: Readonly<Record<ProjectEventType, Readonly<Record<string, Kind>>>> = {
  ProjectProposed: {
    ...ids, code: 'string', title: 'string', description: 'string', country: 'string', location: 'object', sector: 'string',
    participatingOrganisations: 'array',
  },
  ProjectApproved: { ...ids, date: 'string' },
  ProjectStarted: { ...ids, actualStart: 'string' },
  ProjectSuspended: { ...ids, date: 'string', reason: 'string' },
  ProjectResumed: { ...ids, date: 'string' },
  ProjectFinalised: { ...ids, actualEnd: 'string' },
  ProjectClosed: { ...ids, date: 'string' },
  ProjectCancelled: { ...ids, date: 'string', reason: 'string' },
  PlannedDatesRevised: { ...ids, reason: 'string' },
  ComponentAdded: { ...ids, componentId: 'string', name: 'string', kind: 'string' },
  MilestonePlanned: { ...ids, milestoneId: 'string', title: 'string', dueDate: 'string' },
  MilestoneReached: { ...ids, milestoneId: 'string', reachedOn: 'string', evidence: 'string', documentLinks: 'array' },
  MilestoneRescheduled: { ...ids, milestoneId: 'string', previousDueDate: 'string', dueDate: 'string', reason: 'string' },
  MilestoneWaived: { ...ids, milestoneId: 'string', reason: 'string' },
  IndicatorDefined: {
    ...ids, indicatorId: 'string', title: 'string', unit: 'string', measure: 'number', resultLevel: 'number', baseline: 'object',
    target: 'object',
  },
  IndicatorTargetRevised: { ...ids, indicatorId: 'string', previousTarget: 'object', target: 'object', reason: 'string' },
  MeasurementRecorded: { ...ids, indicatorId: 'string', measurementId: 'string', value: 'number', date: 'string' },
  MeasurementCorrected: {
    ...ids, indicatorId: 'string', measurementId: 'string', correctsMeasurementId: 'string', value: 'number', date: 'string',
    reason: 'string',
  },
};

const NAMED: Record<Kind | 'null' | 'other', string> = {
  string: 'a string', number: 'a number', object: 'an object', array: 'an array', null: 'null', other: 'of another kind',
};

function kindOf(value: unknown): Kind | 'null' | 'missing' | 'other' {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const type = typeof value;
  return type === 'string' || type === 'number' || type === 'object' ? type : 'other';
}

/**
 * Throws, saying what is missing, when a stored event's data lacks a member its type always has (or
 * has it of another kind): folding on would fill a view or a state with `undefined` (a component keyed
 * "undefined", a null id the views refuse) instead of naming the history as one that cannot be
 * replayed. An unknown type is left to the fold, which names it.
 */
export function requireEventData(event: { type: string; data: unknown }): asserts event is ProjectEvent {
  const required = (REQUIRED as Partial<Record<string, Readonly<Record<string, Kind>>>>)[event.type];
  if (!required) return;
  const data = kindOf(event.data);
  if (data !== 'object') throw new Error(data === 'missing' ? 'its data is missing' : `its data is ${NAMED[data]}, not an object`);
  for (const [member, kind] of Object.entries(required)) {
    const found = kindOf((event.data as Record<string, unknown>)[member]);
    if (found === 'missing') throw new Error(`its data's ${member} is missing`);
    if (found !== kind) throw new Error(`its data's ${member} is ${NAMED[found]}, not ${NAMED[kind]}`);
  }
}
