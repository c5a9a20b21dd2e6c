import { Transform } from 'class-transformer';
import { IsUUID, type ValidationOptions } from 'class-validator';

/**
 * UUIDs are read in either case (RFC 9562) and written lower-case, as PostgreSQL writes them: one id has
 * one text everywhere after the API's edge. An id that kept the client's capitals would name the same row
 * in a query and another text in what is compared or hashed (a project's events are hashed with their
 * stream id, so an upper-case id would leave a chain that no longer verifies).
 */
export function lowerCaseIds(value: unknown): unknown {
  if (typeof value === 'string') return value.toLowerCase();
  if (Array.isArray(value)) return value.map((item: unknown) => (typeof item === 'string' ? item.toLowerCase() : item));
  return value;
}

/** A body or query field holding a UUID (or, with `each`, a list of them), lower-cased: a UUID is one in either case. */
export function IsUuid(options?: ValidationOptions): PropertyDecorator {
  const lowerCased = Transform(({ value }: { value: unknown }) => lowerCaseIds(value));
  const valid = IsUUID(undefined, options);
  return (target, key) => {
    lowerCased(target, key);
    valid(target, key);
  };
}
