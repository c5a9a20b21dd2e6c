import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type request from 'supertest';

type Json = Record<string, any>;

/** Headers that, when an answer sends them, its operation must document. */
const DOCUMENTED_HEADERS = ['etag', 'location', 'idempotent-replayed', 'retry-after', 'x-total-count', 'x-stream-version', 'www-authenticate'];

/**
 * The OpenAPI 3.0 dialect as JSON Schema: `nullable` becomes a null alternative (Ajv reads JSON Schema,
 * not OpenAPI's extension of it); `example` is dropped. References stay as they are, resolved against
 * the document's components.
 */
export function toJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (schema === null || typeof schema !== 'object') return schema;
  const { nullable, example: _example, ...rest } = schema as Json;
  const converted: Json = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, key === 'properties' ? mapValues(value, toJsonSchema) : toJsonSchema(value)]));
  if (nullable !== true) return converted;
  if (typeof converted.type === 'string' && !converted.allOf) {
    return { ...converted, type: [converted.type, 'null'], ...(converted.enum ? { enum: [...converted.enum, null] } : {}) };
  }
  return { anyOf: [{ type: 'null' }, converted] };
}

function mapValues(object: Json, map: (value: unknown) => unknown): Json {
  return Object.fromEntries(Object.entries(object).map(([key, value]) => [key, map(value)]));
}

/**
 * Checks real answers against the OpenAPI document the API serves: each answer's status must be
 * documented for its operation, its content type among the documented ones, its body valid against the
 * documented schema, and the headers it sends that a client acts on (ETag, Location, ...) documented.
 * Records which (operation, status) pairs were seen, so a spec can require every operation to have been.
 */
export class OpenApiContract {
  private readonly ajv: Ajv;
  /** Reads the schemas as written, in OpenAPI 3.0's dialect, only to compile them: see asWritten. */
  private readonly openApiAjv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();
  readonly seen = new Set<string>();

  constructor(readonly document: Json) {
    this.ajv = new Ajv({ allErrors: true, strict: false });
    // ajv-formats is CommonJS: its default export arrives as the module object under Node's ESM.
    addFormatsModule.default(this.ajv);
    this.ajv.addSchema({ $id: 'openapi.json', components: { schemas: toJsonSchema(document.components?.schemas ?? {}) } });
    this.openApiAjv = new Ajv({ allErrors: true, strict: false });
    addFormatsModule.default(this.openApiAjv);
    this.openApiAjv.addSchema({ $id: 'openapi-as-written.json', components: { schemas: document.components?.schemas ?? {} } });
  }

  /** The component schemas that do not compile as written (asWritten), each with Ajv's reason. */
  componentsUnreadAsWritten(): string[] {
    return Object.keys(this.document.components?.schemas ?? {}).flatMap((name) => {
      try {
        this.asWritten(`components.schemas.${name}`, { $ref: `#/components/schemas/${name}` });
        return [];
      } catch (error) {
        return [(error as Error).message];
      }
    });
  }

  /**
   * Compiles `schema` as the document writes it: Ajv knows OpenAPI's `nullable` and, as OpenAPI 3.0.3
   * does, takes it only beside a `type` ("nullable" cannot be used without "type"), where toJsonSchema
   * would read any `nullable` as meant.
   */
  private asWritten(where: string, schema: unknown): void {
    try {
      this.openApiAjv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi-as-written.json#/components/')));
    } catch (error) {
      throw new Error(`${where} is not a schema OpenAPI 3.0.3 reads as meant: ${(error as Error).message}`);
    }
  }

  /** Every operation, as `GET /projects/{projectId}`. */
  operations(): string[] {
    return Object.entries(this.document.paths as Json).flatMap(([path, item]) =>
      Object.keys(item as Json)
        .filter((method) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
  }

  operation(method: string, path: string): Json {
    const operation = this.document.paths?.[path]?.[method.toLowerCase()];
    if (!operation) throw new Error(`${method.toUpperCase()} ${path} is not in the OpenAPI document`);
    return operation;
  }

  /**
   * Throws unless `response` is an answer the document declares for the operation `method path`
   * (path as a template, e.g. /projects/{projectId}); answers the response.
   */
  check(method: string, path: string, response: request.Response): request.Response {
    const where = `${method.toUpperCase()} ${path} answered ${response.status}`;
    const declared = this.operation(method, path).responses?.[String(response.status)];
    if (!declared) throw new Error(`${where}, a status its OpenAPI operation does not declare: ${response.text.slice(0, 300)}`);
    this.seen.add(`${method.toUpperCase()} ${path} ${response.status}`);
    for (const header of DOCUMENTED_HEADERS) {
      if (response.headers[header] === undefined) continue;
      const names = Object.keys(declared.headers ?? {}).map((name) => name.toLowerCase());
      if (!names.includes(header)) throw new Error(`${where} with a ${header} header its OpenAPI response does not declare`);
    }
    const content = declared.content as Json | undefined;
    if (!content) {
      if (response.text) throw new Error(`${where} with a body, where its OpenAPI response declares none: ${response.text.slice(0, 300)}`);
      return response;
    }
    const sent = String(response.headers['content-type'] ?? '').split(';')[0]!.trim();
    const mediaType = Object.keys(content).find((type) => type.split(';')[0]!.trim() === sent);
    if (!mediaType) throw new Error(`${where} in ${sent || 'no content type'}, where its OpenAPI response declares ${Object.keys(content).join(', ')}`);
    const schema = content[mediaType].schema;
    if (!schema) throw new Error(`${where}: its OpenAPI response declares ${mediaType} without a schema`);
    // A stream read in part (SSE) arrives through a custom parser, as the body.
    const body = /json/.test(mediaType) ? response.body : (response.text ?? response.body);
    const validate = this.validator(`${method} ${path} ${response.status} ${mediaType}`, schema);
    if (!validate(body)) {
      const errors = (validate.errors ?? []).slice(0, 8).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
      throw new Error(`${where}, a body its OpenAPI schema refuses:\n  ${errors.join('\n  ')}\nbody: ${JSON.stringify(body).slice(0, 1500)}`);
    }
    return response;
  }

  private validator(key: string, schema: unknown): ValidateFunction {
    let validate = this.validators.get(key);
    if (!validate) {
      this.asWritten(key, schema);
      const converted = JSON.parse(JSON.stringify(toJsonSchema(schema)).replaceAll('"#/components/', '"openapi.json#/components/'));
      validate = this.ajv.compile(converted as object);
      this.validators.set(key, validate);
    }
    return validate;
  }
}
