import { expect } from '@jest/globals';

import type { ProjectCommand } from '../project.commands.js';
import { type DecisionContext, decide } from '../project.decider.js';
import type { DomainError } from '../project.errors.js';
import type { ProjectEvent } from '../project.events.js';
import { rebuildProjectState } from '../project.evolve.js';
import { DECIDED_ON } from './project.fixtures.js';

/** Test-only: imports @jest/globals, so it is not exported from the library's index. */

type DomainErrorClass = abstract new (...args: never[]) => DomainError;

/**
 * A decider spec: given the history, when the command, then exactly these events, or this error.
 *
 *   given(proposed, approved).when(start).then(started);
 *   given(proposed).when(start).thenThrows(InvalidTransition, 'PROJECT.INVALID_TRANSITION');
 *   given(proposed).when(approve, { today: '2024-01-15' }).then(approved);
 *
 * The command is decided on `DECIDED_ON` unless a context is given.
 */
export function given(...history: ProjectEvent[]) {
  return {
    when(command: ProjectCommand, context: DecisionContext = DECIDED_ON) {
      const decided = () => decide(command, rebuildProjectState(history), context);
      return {
        // Named `then` as the given/when/then idiom has it; never `await` this object, it is no promise.
        then(...expected: ProjectEvent[]): void {
          expect(decided()).toStrictEqual(expected);
        },
        /** Asserts the error class and its stable code, and the fields at fault when `fields` is given. */
        thenThrows(errorClass: DomainErrorClass, code: string, fields?: string[]): DomainError {
          let thrown: unknown;
          try {
            const events = decided();
            thrown = new Error(`Expected ${errorClass.name} ${code}, but it decided ${JSON.stringify(events)}`);
          } catch (error) {
            thrown = error;
          }
          expect(thrown).toBeInstanceOf(errorClass);
          const domainError = thrown as DomainError;
          expect(domainError.code).toBe(code);
          expect(domainError.message).not.toBe('');
          if (fields !== undefined) expect(domainError.fields).toEqual(fields);
          return domainError;
        },
      };
    },
  };
}
