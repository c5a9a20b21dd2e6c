import type { OpenAPIObject, OperationObject, ParameterObject, ReferenceObject, ResponseObject, SchemaObject } from '@nestjs/swagger';
import { type ProblemStatus, problemResponse } from '../problem-responses.js';
import { registeredSchemas } from './api-schema.js';
import { addValidatorLimits } from './validator-limits.js';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
/** Methods whose body the API reads (json-body.ts): any of them may be refused for its body. */
const METHODS_WITH_BODY = new Set(['post', 'put', 'patch', 'delete']);

const REPLAYED = {
  'Idempotent-Replayed': {
    description: '`true` when this is the first answer to an earlier request with the same Idempotency-Key, replayed; absent otherwise',
    schema: { type: 'string', enum: ['true'] },
  },
};

/**
 * Completes the document Nest builds from the decorators: the response schemas in components, and the
 * problem+json answers every operation of a given shape can give, so that none is forgotten on a route:
 * - a body the API reads (POST, DELETE): 400 (not an object, hostile keys), 413, 415;
 * - an API key: 401, 429 (rate limits per key and address), 503 (keys are checked in PostgreSQL);
 * - an id in the path: 404, and 400 when the id has a format (uuid, integer) it is checked against;
 * - a query: 400 on every operation that needs a key (a parameter it does not take; one of its own
 *   malformed or out of range), not on the probes and the scrape, which read none;
 * - a project in the path: 403 (a team key's scope);
 * - `If-Match`: 412; `Idempotency-Key`: 422, and `Idempotent-Replayed` on every 2xx.
 * Statuses an operation documents itself keep their own description. The schemas of request bodies
 * are closed (the validation pipe refuses a property they do not name: 400) and carry the limits their
 * validators enforce (validator-limits.ts).
 */
export function completeOpenApiDocument(document: OpenAPIObject): OpenAPIObject {
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...registeredSchemas() } };
  addValidatorLimits(document.components.schemas!);
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      completeOperation(path, method, operation);
      if (operation.requestBody) closeSchemas(document.components.schemas!, operation.requestBody);
    }
  }
  return document;
}

/** Closes the component schemas `from` refers to, and those they refer to (nested bodies). */
function closeSchemas(schemas: Record<string, SchemaObject | ReferenceObject>, from: unknown): void {
  if (from === null || typeof from !== 'object') return;
  const reference = (from as Partial<ReferenceObject>).$ref;
  const schema = reference?.startsWith('#/components/schemas/') ? schemas[reference.slice('#/components/schemas/'.length)] : undefined;
  if (schema && !('$ref' in schema) && schema.type === 'object' && schema.additionalProperties === undefined) {
    schema.additionalProperties = false;
    closeSchemas(schemas, schema);
  }
  Object.values(from).forEach((member) => closeSchemas(schemas, member));
}

function completeOperation(path: string, method: string, operation: OperationObject): void {
  const parameters = (operation.parameters ?? []).filter((p): p is ParameterObject => !('$ref' in p));
  const pathParameters = parameters.filter((p) => p.in === 'path');
  const header = (name: string) => parameters.some((p) => p.in === 'header' && p.name.toLowerCase() === name.toLowerCase());
  const statuses = new Set<ProblemStatus>();
  if (METHODS_WITH_BODY.has(method)) [400, 413, 415].forEach((s) => statuses.add(s as ProblemStatus));
  if ((operation.security ?? []).length > 0) [401, 429, 503].forEach((s) => statuses.add(s as ProblemStatus));
  if (pathParameters.length > 0) statuses.add(404);
  if (pathParameters.some((p) => p.schema && !('$ref' in p.schema) && (p.schema.format === 'uuid' || p.schema.type === 'integer'))) statuses.add(400);
  // Every route that needs a key refuses a query parameter it does not take (the query DTOs, NoQueryPipe,
  // NoQueryGuard); the probes and the scrape, which need none, read no query and take any.
  if ((operation.security ?? []).length > 0 || parameters.some((p) => p.in === 'query')) statuses.add(400);
  if (path.startsWith('/projects/{projectId}') && (operation.security ?? []).length > 0) statuses.add(403);
  if (header('If-Match')) statuses.add(412);
  if (header('Idempotency-Key')) {
    statuses.add(422);
    for (const [status, response] of Object.entries(operation.responses)) {
      if (status.startsWith('2') && response && !isReference(response)) response.headers = { ...response.headers, ...REPLAYED };
    }
  }
  for (const status of [...statuses].sort()) {
    operation.responses[status] ??= problemResponse(status);
  }
  operation.responses = Object.fromEntries(Object.entries(operation.responses).sort(([a], [b]) => a.localeCompare(b)));
}

function isReference(response: ResponseObject | ReferenceObject | undefined): response is ReferenceObject {
  return response !== undefined && '$ref' in response;
}
