import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsIn, IsOptional, Matches, registerDecorator, type ValidationOptions } from 'class-validator';
import { PROJECT_EVENT_TYPES } from '@app/domain';
import type { EventFilter } from '@app/event-store';
import { ProblemException } from '../../common/problem.js';
import { QueryInteger } from '../../common/query-integer.js';
import { IsCountryCode } from '../../common/country-code.js';
import { IsUuid } from '../../common/uuid.js';
import { isInstant as isDateTime, isRealDate, MAX_COUNTER, MAX_VERSION } from '../../common/validation.js';

/**
 * `2019-12-31` or `2019-12-31T10:00:00Z` / `...+07:00`: a date alone is read as that whole day. Only
 * real dates and times (2019-02-30 is not one): PostgreSQL would refuse the others.
 */
export function isInstant(value: unknown): value is string {
  return isRealDate(value) || isDateTime(value);
}

/**
 * The instant a query bound names, as ISO. A date alone starts at 00:00 UTC for a lower bound and
 * ends at 23:59:59.999 UTC for an upper bound or an "as of" point, so `at=2019-12-31` includes that day.
 */
export function toInstant(value: string, side: 'start' | 'end'): string {
  if (value.length === 10) return side === 'start' ? `${value}T00:00:00.000Z` : `${value}T23:59:59.999Z`;
  // An offset may carry 0001-01-01 or 9999-12-31 out of the years PostgreSQL reads; nothing lies beyond them.
  const instant = Math.min(Math.max(Date.parse(value), FIRST_INSTANT), LAST_INSTANT);
  return new Date(instant).toISOString();
}

const FIRST_INSTANT = Date.parse('0001-01-01T00:00:00.000Z');
const LAST_INSTANT = Date.parse('9999-12-31T23:59:59.999Z');

function IsInstant(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isInstant',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: `${String(propertyName)} must be an ISO 8601 date (2019-12-31) or date-time with a zone (2019-12-31T10:00:00Z)`,
        ...options,
      },
      validator: { validate: isInstant },
    });
}

/** `types=A,B` or `types=A&types=B`. */
const toList = ({ value }: { value: unknown }) =>
  (Array.isArray(value) ? value : [value]).flatMap((item) => String(item).split(',')).map((item) => item.trim()).filter(Boolean);

/** Filters shared by a project's events and the global feed. */
export class EventFilterQueryDto {
  @ApiPropertyOptional({
    description: `Event types, comma-separated or repeated: ${PROJECT_EVENT_TYPES.join(', ')}`,
    type: 'string',
    example: 'MilestoneReached,MeasurementCorrected',
  })
  @IsOptional()
  @Transform(toList)
  @ArrayMaxSize(PROJECT_EVENT_TYPES.length)
  @IsIn(PROJECT_EVENT_TYPES, { each: true, message: `each of types must be one of: ${PROJECT_EVENT_TYPES.join(', ')}` })
  types?: string[];

  @ApiPropertyOptional({ type: 'string', description: 'Recorded at or after (ISO date or date-time)', example: '2019-01-01' })
  @IsOptional() @IsInstant() from?: string;

  @ApiPropertyOptional({ type: 'string', description: 'Recorded at or before (ISO date or date-time; a date includes that day)' })
  @IsOptional() @IsInstant() to?: string;

  @ApiPropertyOptional({ type: 'string', description: 'Occurred (business date) at or after (ISO date or date-time)' })
  @IsOptional() @IsInstant() occurredFrom?: string;

  @ApiPropertyOptional({ type: 'string', description: 'Occurred (business date) at or before (ISO date or date-time)' })
  @IsOptional() @IsInstant() occurredTo?: string;
}

export class ProjectEventsQueryDto extends EventFilterQueryDto {
  @QueryInteger({ min: 1, max: MAX_VERSION, default: 1, description: 'The first version to read' }) fromVersion?: number;
  @QueryInteger({ min: 1, max: 1000, default: 100 }) limit?: number;
}

export class FeedQueryDto extends EventFilterQueryDto {
  @QueryInteger({ min: 0, max: MAX_COUNTER, default: 0, description: 'The position of the last event read (`next` of the previous page); 0 from the start' })
  after?: number;

  @QueryInteger({ min: 1, max: 1000, default: 100 }) limit?: number;
}

export class StateQueryDto {
  @QueryInteger({ min: 1, max: MAX_VERSION, description: 'The project as this version left it' }) version?: number;

  @ApiPropertyOptional({ type: 'string', description: 'The project as it was known at this time (ISO date or date-time)', example: '2019-12-31' })
  @IsOptional() @IsInstant() at?: string;

  @ApiPropertyOptional({
    enum: ['recorded', 'occurred'],
    description:
      'With `at`: `recorded` (default) folds the events recorded by then, what the system knew at the time; ' +
      '`occurred` folds the events whose business date (occurred-at) is by then, as known today, including facts recorded later.',
  })
  @IsOptional() @IsIn(['recorded', 'occurred']) basis?: 'recorded' | 'occurred';
}

/** A point in a project's history: a version number (up to the largest, as `state?version=` takes), or an ISO date or date-time (as recorded by then). */
function isPoint(value: unknown): boolean {
  return (typeof value === 'string' && /^\d{1,10}$/.test(value) && Number(value) <= MAX_VERSION) || isInstant(value);
}

function IsPoint(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isPoint',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must be a version number or a real ISO date or date-time` },
      validator: { validate: isPoint },
    });
}

export class DiffQueryDto {
  @ApiPropertyOptional({ type: 'string', description: 'A version (0: before the project existed) or an ISO date/date-time; default 0', example: '2' })
  @IsOptional() @IsPoint() from?: string;

  @ApiPropertyOptional({ type: 'string', description: 'A version or an ISO date/date-time; default the current version', example: '2019-12-31' })
  @IsOptional() @IsPoint() to?: string;

  @ApiPropertyOptional({
    enum: ['recorded', 'occurred'],
    description:
      'For dates: `recorded` (default) compares what was recorded by each, `occurred` what had happened by each by business ' +
      'date (occurred-at), as known today; then `from` and `to` are dates, not versions.',
  })
  @IsOptional() @IsIn(['recorded', 'occurred']) basis?: 'recorded' | 'occurred';
}

export class IatiQueryDto {
  @QueryInteger({ min: 1, max: MAX_VERSION, description: 'The project as this version left it' }) version?: number;

  @ApiPropertyOptional({ type: 'string', description: 'The project as it was known (recorded) at this time (ISO date or date-time)' })
  @IsOptional() @IsInstant() at?: string;
}

export class IatiListQueryDto {
  @ApiPropertyOptional({ example: 'LA', pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2 recipient country, in capitals; absent: every project' })
  @IsOptional()
  @IsCountryCode()
  country?: string;

  @QueryInteger({ min: 1, max: 500, default: 100 }) limit?: number;
  @QueryInteger({ min: 0, max: MAX_COUNTER, default: 0 }) offset?: number;
}

export class CheckpointsQueryDto {
  @QueryInteger({ min: 0, max: MAX_COUNTER, default: 0, description: 'List checkpoints after this id' }) afterId?: number;
  @QueryInteger({ min: 1, max: 1000, default: 100 }) limit?: number;
}

export class CheckpointVerifyQueryDto {
  @ApiPropertyOptional({ type: 'string', pattern: '^[0-9a-fA-F]{64}$', description: 'The hash you hold for this checkpoint, hex in either case (otherwise the stored one is compared)' })
  @IsOptional()
  // Hex is the same number in either case: a hash pasted from a tool that writes capitals is the same hash.
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value))
  @Matches(/^[0-9a-f]{64}$/, { message: 'hash must be 64 hex digits (SHA-256)' })
  hash?: string;
}

export class AccessLogQueryDto {
  @QueryInteger({ min: 0, max: MAX_COUNTER, default: 0, description: 'Entries after this id' }) afterId?: number;
  @QueryInteger({ min: 1, max: 1000, default: 100 }) limit?: number;
  @ApiPropertyOptional({ type: 'string', format: 'uuid' }) @IsOptional() @IsUuid({ message: 'projectId must be a UUID' }) projectId?: string;
  @ApiPropertyOptional({ type: 'string', format: 'uuid' }) @IsOptional() @IsUuid({ message: 'keyId must be a UUID' }) keyId?: string;
}

/** The filters of an event read, as a query gives them. */
interface EventFilterQuery {
  types?: string[];
  from?: string;
  to?: string;
  occurredFrom?: string;
  occurredTo?: string;
}

/**
 * The event store's filter of a query, its bounds as instants. A range that ends before it starts is
 * refused (400, naming its end), as `/diff` refuses one: it can only be a mistake, and an empty answer
 * would say there were no such events.
 */
export function eventFilterOf(query: EventFilterQuery): EventFilter {
  const filter: EventFilter = {
    types: query.types,
    recordedFrom: query.from && toInstant(query.from, 'start'),
    recordedTo: query.to && toInstant(query.to, 'end'),
    occurredFrom: query.occurredFrom && toInstant(query.occurredFrom, 'start'),
    occurredTo: query.occurredTo && toInstant(query.occurredTo, 'end'),
  };
  refuseBackwards(filter.recordedFrom, filter.recordedTo, 'from', 'to');
  refuseBackwards(filter.occurredFrom, filter.occurredTo, 'occurredFrom', 'occurredTo');
  return filter;
}

function refuseBackwards(start: string | undefined, end: string | undefined, startName: string, endName: string): void {
  if (start === undefined || end === undefined || Date.parse(end) >= Date.parse(start)) return;
  const message = `must not be before ${startName}`;
  throw new ProblemException(400, 'REQUEST.INVALID', 'Bad Request', `The request is invalid: ${endName} ${message}.`, [{ field: endName, message }]);
}
