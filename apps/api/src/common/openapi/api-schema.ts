import type { ReferenceObject, SchemaObject } from '@nestjs/swagger';

/**
 * Response schemas written as JSON Schema (the OpenAPI 3.0 dialect), next to the controllers whose
 * answers they describe. Each named schema is registered here and referenced by `$ref`; the document
 * gets them all in `components.schemas` (completeOpenApiDocument).
 */
const registered = new Map<string, SchemaObject>();

/** Registers `schema` as `components.schemas[name]` and answers a reference to it. */
export function apiSchema(name: string, schema: SchemaObject): ReferenceObject {
  const known = registered.get(name);
  if (known && known !== schema) throw new Error(`Two response schemas are named ${name}`);
  registered.set(name, schema);
  return ref(name);
}

export function ref(name: string): ReferenceObject {
  return { $ref: `#/components/schemas/${name}` };
}

export function registeredSchemas(): Record<string, SchemaObject> {
  return Object.fromEntries(registered);
}

type Schema = SchemaObject | ReferenceObject;

/**
 * A closed object: no member beyond `properties`, each of them required except those in `optional`
 * (a member an answer leaves out when it has nothing to say, rather than sending null).
 */
export function closed(properties: Record<string, Schema>, optional: readonly string[] = [], description?: string): SchemaObject {
  return {
    type: 'object',
    additionalProperties: false,
    required: Object.keys(properties).filter((name) => !optional.includes(name)),
    properties,
    ...(description ? { description } : {}),
  };
}

/**
 * `schema` or null. A reference is wrapped, since OpenAPI 3.0 ignores members beside `$ref`, with the
 * type of the schema it names: OpenAPI 3.0.3 ignores `nullable` without `type` (and Ajv refuses it), so
 * a client generated from the document would refuse the null.
 */
export function nullable(schema: Schema): SchemaObject {
  if (!('$ref' in schema)) return { ...schema, nullable: true };
  const type = registered.get(schema.$ref.slice(schema.$ref.lastIndexOf('/') + 1))?.type;
  if (type === undefined) throw new Error(`nullable(${schema.$ref}): it names no registered schema with a type`);
  return { type, nullable: true, allOf: [schema] };
}

export const arrayOf = (items: Schema, description?: string): SchemaObject => ({ type: 'array', items, ...(description ? { description } : {}) });

export const string = (description?: string): SchemaObject => ({ type: 'string', ...(description ? { description } : {}) });
export const integer = (description?: string): SchemaObject => ({ type: 'integer', ...(description ? { description } : {}) });
export const number = (description?: string): SchemaObject => ({ type: 'number', ...(description ? { description } : {}) });
export const boolean = (description?: string): SchemaObject => ({ type: 'boolean', ...(description ? { description } : {}) });
export const uuid = (description?: string): SchemaObject => ({ type: 'string', format: 'uuid', ...(description ? { description } : {}) });
/** A calendar date, `YYYY-MM-DD`. */
export const date = (description?: string): SchemaObject => ({ type: 'string', format: 'date', ...(description ? { description } : {}) });
/** An instant, ISO 8601 with its zone. */
export const dateTime = (description?: string): SchemaObject => ({ type: 'string', format: 'date-time', ...(description ? { description } : {}) });
export const oneOfValues = <T extends string | number | boolean>(values: readonly T[], description?: string): SchemaObject => ({
  type: typeof values[0] === 'number' ? (values.every((value) => Number.isInteger(value)) ? 'integer' : 'number') : typeof values[0] === 'boolean' ? 'boolean' : 'string',
  enum: [...values],
  ...(description ? { description } : {}),
});
/** A SHA-256 hash as hex text. */
export const sha256 = (description?: string): SchemaObject => ({ type: 'string', pattern: '^[0-9a-f]{64}$', ...(description ? { description } : {}) });
/** An object whose members are not fixed (an event's data, a notification's data). */
export const openObject = (description?: string): SchemaObject => ({ type: 'object', ...(description ? { description } : {}) });
