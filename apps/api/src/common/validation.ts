import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';
import { registerDecorator, type ValidationOptions } from 'class-validator';
import { isBlank } from '@app/domain';
import { type FieldError, ProblemException } from './problem.js';

/**
 * Whitelisting validation: unknown fields are refused, types are checked, and the problem names the
 * fields at fault (the first 50) with a dotted path (`location.latitude`, `participatingOrganisations.0.role`).
 */
export function createValidationPipe(): ValidationPipe {
  return new BodyValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => invalidRequest(flatten(errors)),
  });
}

/**
 * 400 REQUEST.INVALID naming the fields at fault: the first 50 in `errors`, the first 10 in `detail`.
 * A body of a hundred thousand unknown keys must not become a response ten times its size.
 */
export function invalidRequest(all: readonly FieldError[]): ProblemException {
  const fields = all.slice(0, MAX_FIELD_ERRORS).map(({ field, message }) => ({ field: truncate(field), message: truncate(message) }));
  return new ProblemException(
    400,
    'REQUEST.INVALID',
    'Bad Request',
    `The request is invalid: ${fields
      .slice(0, 10)
      .map((f) => `${f.field}: ${f.message}`)
      .join('; ')}${all.length > 10 ? `; and ${all.length - 10} more` : ''}`,
    fields,
  );
}

/**
 * class-validator's @IsOptional() lets `null` through as "not given", so after validation a null can
 * only sit in an optional field: it is dropped there, so that `{"reason": null}` means the same as `{}`
 * and no null reaches a command (the decider would take it for a value).
 */
class BodyValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const result = await super.transform(value, metadata);
    return metadata.type === 'body' ? withoutNulls(result) : result;
  }
}

function withoutNulls<T>(value: T): T {
  if (Array.isArray(value)) {
    for (const item of value) withoutNulls(item);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, field] of Object.entries(value)) {
      if (field === null) delete (value as Record<string, unknown>)[key];
      else withoutNulls(field);
    }
  }
  return value;
}

/**
 * Bounds of the integers a query may name. A stream version is a PostgreSQL `integer`; positions, ids,
 * offsets and sequence numbers are `bigint`, of which a JSON number carries exactly only this much.
 * Beyond them a value could not name anything, and passed on it would fail in PostgreSQL (a 500).
 */
export const MAX_VERSION = 2_147_483_647;
export const MAX_COUNTER = Number.MAX_SAFE_INTEGER;

/** Most field problems listed in one answer. */
const MAX_FIELD_ERRORS = 50;

function truncate(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * class-validator checks that a value is there and of the right type. When one of these fails, the field's
 * other constraints (a range, a length, nested validation) were checked against a missing value or one of
 * the wrong type, and saying a string "must not be greater than 1000000000000" only misleads.
 */
const TYPE_CONSTRAINTS = new Set(['isDefined', 'isNumber', 'isInt', 'isString', 'isBoolean', 'isObject', 'isArray']);

/** The constraints a field failed, only its type when that is wrong. */
function failedConstraints(error: ValidationError): Record<string, string> {
  const constraints = error.constraints ?? {};
  const typeErrors = Object.entries(constraints).filter(([name]) => TYPE_CONSTRAINTS.has(name));
  return typeErrors.length > 0 ? Object.fromEntries(typeErrors) : constraints;
}

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(failedConstraints(error)).map((message) => ({
      field,
      message: message.replace(/^property /, ''),
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * True for a real date written `YYYY-MM-DD` that PostgreSQL can hold (2019-02-30 is not one, nor is
 * 0000-01-01: there was no year 0, and PostgreSQL refuses it).
 */
export function isRealDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = DATE_ONLY.exec(value);
  if (!match) return false;
  // Counted, not parsed: a Date built and printed back for every date of every request was 1% of the
  // API's time under load. The calendar is the proleptic Gregorian one, as JavaScript's and PostgreSQL's.
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
}

/** The years a date in a project's record may fall in: a typo of a century is refused, not stored. */
const FIRST_YEAR = 1900;
const LAST_YEAR = 2199;

/** True for a real date written `YYYY-MM-DD` from 1900 to 2199: a date in a project's record. */
export function isCalendarDate(value: unknown): value is string {
  if (!isRealDate(value)) return false;
  const year = Number(value.slice(0, 4));
  return year >= FIRST_YEAR && year <= LAST_YEAR;
}

export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isCalendarDate',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must be a real date written YYYY-MM-DD, from ${FIRST_YEAR} to ${LAST_YEAR}`, ...options },
      validator: { validate: isCalendarDate },
    });
}

/**
 * A required text that says something: refused when empty or only whitespace, as the decider refuses a
 * blank reason. Values that are not strings are left to @IsString(), so they get one message, not two.
 */
export function IsNotBlank(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isNotBlank',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must not be empty or only spaces`, ...options },
      validator: { validate: (value: unknown) => typeof value !== 'string' || !isBlank(value) },
    });
}

/** Offsets as far as time zones go (UTC-12:00 to UTC+14:00; PostgreSQL refuses beyond 15:59). */
const INSTANT = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-](?:0\d|1[0-4]):[0-5]\d)$/;

/** True for a real instant written ISO 8601 with a time zone (`2027-06-30T00:00:00Z`); 2019-02-30T... is not one. */
export function isInstant(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = INSTANT.exec(value);
  return match !== null && isRealDate(match[1]) && !Number.isNaN(Date.parse(value));
}

export function IsInstant(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isInstant',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must be a real date and time with a time zone, like 2027-06-30T00:00:00Z`, ...options },
      validator: { validate: isInstant },
    });
}

/** Today's date in UTC, `YYYY-MM-DD`. */
export function today(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}
