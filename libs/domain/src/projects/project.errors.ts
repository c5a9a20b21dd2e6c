/**
 * What kind of refusal an error is; the HTTP layer maps each kind to one status
 * (invalid 400, not_found 404, conflict 409).
 */
export type DomainErrorKind = 'invalid' | 'not_found' | 'conflict';

/** A refused command: a stable `code` for programs and a sentence a user can act on. */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly kind: DomainErrorKind,
    message: string,
    /** The input fields at fault, where the refusal is about input. */
    readonly fields: string[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ProjectNotFound extends DomainError {
  /** Without `projectId` (as `decide` throws it: its state has no id yet) the sentence names no id. */
  constructor(projectId?: string) {
    super(
      'PROJECT.NOT_FOUND',
      'not_found',
      projectId === undefined
        ? 'The project does not exist; propose it first.'
        : `Project ${projectId} does not exist.`,
    );
  }
}

export class ProjectAlreadyExists extends DomainError {
  constructor(projectId: string) {
    super('PROJECT.ALREADY_EXISTS', 'conflict', `Project ${projectId} has already been proposed.`);
  }
}

export class ProjectCodeTaken extends DomainError {
  constructor(code: string) {
    super('PROJECT.CODE_TAKEN', 'conflict', `Another project already uses the code "${code}" (codes are compared regardless of case).`, ['code']);
  }
}

export class InvalidTransition extends DomainError {
  constructor(command: string, status: string, allowedFrom: readonly string[]) {
    super(
      'PROJECT.INVALID_TRANSITION',
      'conflict',
      `Cannot ${command} a project that is ${status}; only a project that is ${allowedFrom.join(' or ')} can be.`,
    );
  }
}

export class ProjectIsFinal extends DomainError {
  constructor(status: string) {
    super('PROJECT.FINAL', 'conflict', `The project is ${status}; a ${status} project takes no further changes.`);
  }
}

export class ReasonRequired extends DomainError {
  /** `subject` names what the command acts on, for commands on a milestone, an indicator or a measurement. */
  constructor(command: string, subject = 'a project') {
    super('PROJECT.REASON_REQUIRED', 'invalid', `A reason is required to ${command} ${subject}.`, ['reason']);
  }
}

/** A command that needs a started project (reaching a milestone, recording a measurement) before the start. */
export class NotStarted extends DomainError {
  constructor(action: string, status: string) {
    super(
      'PROJECT.NOT_STARTED',
      'conflict',
      `${action} only once the project has started; this project is still ${status}. Start it first.`,
    );
  }
}

/**
 * A planned date revised once the fact it plans has happened: the planned start once the project has
 * started (its actual start stands), either date once its work has ended (finalised: its actual end).
 */
export class PlannedDateSettled extends DomainError {
  /** `happened`: what settled it, the project's start (ALREADY_STARTED) or the end of its work (ALREADY_ENDED). */
  constructor(happened: 'started' | 'ended', field: 'plannedStart' | 'plannedEnd', message: string) {
    super(happened === 'started' ? 'PROJECT.ALREADY_STARTED' : 'PROJECT.ALREADY_ENDED', 'conflict', message, [field]);
  }
}

export class InvalidInput extends DomainError {
  constructor(code: string, message: string, fields: string[]) {
    super(code, 'invalid', message, fields);
  }
}

/**
 * An actual date (the date of something that happened: a lifecycle step, a milestone reached, a
 * measurement) after `latest`, the latest date that is today somewhere on earth (UTC+14).
 */
export class DateInFuture extends InvalidInput {
  constructor(what: string, date: string, latest: string, field: string) {
    super(
      'PROJECT.DATE_IN_FUTURE',
      `${what} (${date}) is in the future; a date of something that happened can be ${latest} at the latest.`,
      [field],
    );
  }
}

/**
 * A lifecycle step dated before the step that brought the project to its current status (a start
 * before the approval, a resumption before the suspension). Same code as the other contradictory dates.
 */
export class LifecycleDateOutOfOrder extends InvalidInput {
  /** `previousStep` says what happened on `since`: "approved", "started", "resumed", "suspended", "finalised". */
  constructor(verb: string, date: string, previousStep: string, since: string) {
    super(
      'PROJECT.INVALID_DATES',
      `Cannot ${verb} the project on ${date}: it was ${previousStep} on ${since}, and a lifecycle step cannot be dated before the one before it.`,
      ['date'],
    );
  }
}

/**
 * Two dates of one thing in the wrong order: a planned end before the planned start, an indicator's
 * target dated before its baseline. `field` names the later date, the one at fault. Same code as the
 * other contradictory dates.
 */
export class DatesOutOfOrder extends InvalidInput {
  constructor(message: string, field: string) {
    super('PROJECT.INVALID_DATES', message, [field]);
  }
}

export class ComponentNotFound extends DomainError {
  constructor(componentId: string) {
    super('COMPONENT.NOT_FOUND', 'not_found', `Component ${componentId} does not exist in this project.`, [
      'componentId',
    ]);
  }
}

export class DuplicateId extends DomainError {
  constructor(what: string, id: string) {
    const article = /^[aeiou]/i.test(what) ? 'An' : 'A';
    super(
      `${what.toUpperCase()}.ALREADY_EXISTS`,
      'conflict',
      `${article} ${what} with id ${id} already exists in this project.`,
    );
  }
}

export class MilestoneNotFound extends DomainError {
  constructor(milestoneId: string) {
    super('MILESTONE.NOT_FOUND', 'not_found', `Milestone ${milestoneId} does not exist in this project.`);
  }
}

export class MilestoneClosed extends DomainError {
  constructor(milestoneId: string, status: string) {
    super(
      'MILESTONE.ALREADY_CLOSED',
      'conflict',
      `Milestone ${milestoneId} is already ${status}; only a planned milestone can be reached, rescheduled or waived.`,
    );
  }
}

export class IndicatorNotFound extends DomainError {
  constructor(indicatorId: string) {
    super('INDICATOR.NOT_FOUND', 'not_found', `Indicator ${indicatorId} does not exist in this project.`);
  }
}

export class MeasurementNotFound extends DomainError {
  constructor(measurementId: string) {
    super(
      'MEASUREMENT.NOT_FOUND',
      'not_found',
      `Measurement ${measurementId} does not exist for this indicator.`,
      ['correctsMeasurementId'],
    );
  }
}

/** A measurement already replaced by a correction: only the latest in a correction chain can be corrected. */
export class MeasurementAlreadyCorrected extends DomainError {
  constructor(measurementId: string, supersededBy: string) {
    super(
      'MEASUREMENT.ALREADY_CORRECTED',
      'conflict',
      `Measurement ${measurementId} has already been corrected by ${supersededBy}; correct ${supersededBy} instead.`,
      ['correctsMeasurementId'],
    );
  }
}
