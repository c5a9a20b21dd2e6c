import { describe, expect, it } from '@jest/globals';

import type { LifecycleCommand } from './project.commands.js';
import {
  InvalidInput,
  InvalidTransition,
  ProjectAlreadyExists,
  ProjectNotFound,
  ReasonRequired,
} from './project.errors.js';
import { PROJECT_STATUSES, type ProjectStatus } from './project.values.js';
import { given } from './testing/given-when-then.js';
import {
  PROJECT_ID,
  commandOfType,
  historyIn,
  projectApproved,
  projectProposed,
  projectStarted,
  proposeProject,
} from './testing/project.fixtures.js';

describe('ProposeProject', () => {
  it('proposes a new project', () => {
    given().when(proposeProject).then(projectProposed);
  });

  it('leaves out the planned dates that are not given', () => {
    const { plannedStart: _start, plannedEnd: _end, ...data } = proposeProject.data;
    given()
      .when({ type: 'ProposeProject', data: { ...data, plannedStart: undefined } })
      .then({ type: 'ProjectProposed', data });
  });

  it('accepts a project planned to start and end on the same day', () => {
    const data = { ...proposeProject.data, plannedStart: '2017-01-01', plannedEnd: '2017-01-01' };
    given().when({ type: 'ProposeProject', data }).then({ type: 'ProjectProposed', data });
  });

  it('refuses a planned end before the planned start', () => {
    given()
      .when({ type: 'ProposeProject', data: { ...proposeProject.data, plannedEnd: '2016-12-31' } })
      .thenThrows(InvalidInput, 'PROJECT.INVALID_DATES', ['plannedEnd']);
  });

  it.each([
    [{ latitude: 18.05 }, 'location.longitude'],
    [{ longitude: 102.72 }, 'location.latitude'],
  ])('refuses half a point (%j): latitude and longitude come together', (point, field) => {
    given()
      .when({ type: 'ProposeProject', data: { ...proposeProject.data, location: { village: 'Bansuo', ...point } } })
      .thenThrows(InvalidInput, 'PROJECT.INVALID_LOCATION', [field]);
  });

  it('takes a location with a point and no name, and one naming no place at all (a study, courses abroad)', () => {
    for (const location of [{ latitude: 18.05, longitude: 102.72 }, {}]) {
      const data = { ...proposeProject.data, location };
      given().when({ type: 'ProposeProject', data }).then({ type: 'ProjectProposed', data });
    }
  });

  it.each(PROJECT_STATUSES)('refuses a project that already exists (%s)', (status) => {
    given(...historyIn[status])
      .when(proposeProject)
      .thenThrows(ProjectAlreadyExists, 'PROJECT.ALREADY_EXISTS');
  });
});

describe('a command on a project never proposed', () => {
  it.each(Object.values(commandOfType).map((command) => [command.type, command] as const))(
    'refuses %s',
    (_type, command) => {
      given().when(command).thenThrows(ProjectNotFound, 'PROJECT.NOT_FOUND');
    },
  );
});

describe('allowed lifecycle transitions', () => {
  it('approves a proposed project', () => {
    given(...historyIn.proposed)
      .when({ type: 'ApproveProject', data: { date: '2017-03-01' } })
      .then({ type: 'ProjectApproved', data: { projectId: PROJECT_ID, date: '2017-03-01' } });
  });

  it('starts an approved project, recording its actual start', () => {
    given(...historyIn.approved)
      .when({ type: 'StartProject', data: { date: '2017-06-01', reason: 'Funds received.' } })
      .then({
        type: 'ProjectStarted',
        data: { projectId: PROJECT_ID, actualStart: '2017-06-01', reason: 'Funds received.' },
      });
  });

  it('suspends a project in implementation, with its reason', () => {
    given(...historyIn.implementation)
      .when({ type: 'SuspendProject', data: { date: '2018-07-20', reason: 'Floods.' } })
      .then({ type: 'ProjectSuspended', data: { projectId: PROJECT_ID, date: '2018-07-20', reason: 'Floods.' } });
  });

  it('resumes a suspended project', () => {
    given(...historyIn.suspended)
      .when({ type: 'ResumeProject', data: { date: '2018-09-01', reason: 'The road is repaired.' } })
      .then({
        type: 'ProjectResumed',
        data: { projectId: PROJECT_ID, date: '2018-09-01', reason: 'The road is repaired.' },
      });
  });

  it('finalises a project in implementation, recording its actual end', () => {
    given(...historyIn.implementation)
      .when({ type: 'FinaliseProject', data: { date: '2020-06-30' } })
      .then({ type: 'ProjectFinalised', data: { projectId: PROJECT_ID, actualEnd: '2020-06-30' } });
  });

  it('finalises a project on the day it started', () => {
    given(...historyIn.implementation)
      .when({ type: 'FinaliseProject', data: { date: projectStarted.data.actualStart } })
      .then({ type: 'ProjectFinalised', data: { projectId: PROJECT_ID, actualEnd: projectStarted.data.actualStart } });
  });

  it('closes a project in finalisation', () => {
    given(...historyIn.finalisation)
      .when({ type: 'CloseProject', data: { date: '2020-12-31' } })
      .then({ type: 'ProjectClosed', data: { projectId: PROJECT_ID, date: '2020-12-31' } });
  });

  it.each(['proposed', 'approved', 'implementation', 'suspended'] as const)('cancels a %s project', (status) => {
    given(...historyIn[status])
      .when({ type: 'CancelProject', data: { date: '2019-01-15', reason: 'Funding was withdrawn.' } })
      .then({
        type: 'ProjectCancelled',
        data: { projectId: PROJECT_ID, date: '2019-01-15', reason: 'Funding was withdrawn.' },
      });
  });

  it('leaves a blank optional reason out of the event', () => {
    given(projectProposed)
      .when({ type: 'ApproveProject', data: { date: '2017-03-01', reason: '   ' } })
      .then(projectApproved);
  });
});

const ALLOWED_FROM: Record<LifecycleCommand['type'], { verb: string; from: readonly ProjectStatus[] }> = {
  ApproveProject: { verb: 'approve', from: ['proposed'] },
  StartProject: { verb: 'start', from: ['approved'] },
  SuspendProject: { verb: 'suspend', from: ['implementation'] },
  ResumeProject: { verb: 'resume', from: ['suspended'] },
  FinaliseProject: { verb: 'finalise', from: ['implementation'] },
  CloseProject: { verb: 'close', from: ['finalisation'] },
  CancelProject: { verb: 'cancel', from: ['proposed', 'approved', 'implementation', 'suspended'] },
};

const forbidden = Object.entries(ALLOWED_FROM).flatMap(([type, { verb, from }]) =>
  PROJECT_STATUSES.filter((status) => !from.includes(status)).map(
    (status) => [type as LifecycleCommand['type'], status, verb, from] as const,
  ),
);

describe('forbidden lifecycle transitions', () => {
  it.each(forbidden)('refuses %s when the project is %s', (type, status, verb, from) => {
    const error = given(...historyIn[status])
      .when(commandOfType[type])
      .thenThrows(InvalidTransition, 'PROJECT.INVALID_TRANSITION');
    expect(error.kind).toBe('conflict');
    expect(error.message).toBe(
      `Cannot ${verb} a project that is ${status}; only a project that is ${from.join(' or ')} can be.`,
    );
  });

  it('covers every status for every lifecycle command', () => {
    const allowed = Object.values(ALLOWED_FROM).reduce((count, { from }) => count + from.length, 0);
    expect(forbidden.length + allowed).toBe(7 * PROJECT_STATUSES.length);
  });
});

describe('reasons', () => {
  it.each([undefined, '', '  \n\t'])('refuses to suspend without a reason (%j)', (reason) => {
    given(...historyIn.implementation)
      .when({ type: 'SuspendProject', data: { date: '2018-07-20', reason } })
      .thenThrows(ReasonRequired, 'PROJECT.REASON_REQUIRED', ['reason']);
  });

  it.each([undefined, '', '  '])('refuses to cancel without a reason (%j)', (reason) => {
    given(...historyIn.approved)
      .when({ type: 'CancelProject', data: { date: '2017-04-01', reason } })
      .thenThrows(ReasonRequired, 'PROJECT.REASON_REQUIRED', ['reason']);
  });

  it('refuses the transition before the missing reason', () => {
    given(...historyIn.closed)
      .when({ type: 'CancelProject', data: { date: '2021-01-01' } })
      .thenThrows(InvalidTransition, 'PROJECT.INVALID_TRANSITION');
    given(...historyIn.suspended)
      .when({ type: 'SuspendProject', data: { date: '2018-08-01', reason: '' } })
      .thenThrows(InvalidTransition, 'PROJECT.INVALID_TRANSITION');
  });
});

describe('actual dates', () => {
  it('refuses to finalise before the actual start', () => {
    given(...historyIn.implementation)
      .when({ type: 'FinaliseProject', data: { date: '2017-05-31' } })
      .thenThrows(InvalidInput, 'PROJECT.INVALID_DATES', ['date']);
  });

  it('refuses the transition before the date', () => {
    given(...historyIn.suspended)
      .when({ type: 'FinaliseProject', data: { date: '2017-05-31' } })
      .thenThrows(InvalidTransition, 'PROJECT.INVALID_TRANSITION');
  });
});
