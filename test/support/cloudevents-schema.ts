import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

/** The official CloudEvents 1.0 JSON schema, kept in the repository (schemas/cloudevents). */
const SCHEMA_PATH = resolve(process.cwd(), 'schemas/cloudevents/cloudevents.json');

let validator: ValidateFunction | undefined;

/** Validates a structured-mode CloudEvent against the official schema; answers the errors, or [] when valid. */
export function cloudEventErrors(event: unknown): string[] {
  if (!validator) {
    if (!existsSync(SCHEMA_PATH)) throw new Error(`The CloudEvents schema is not at ${SCHEMA_PATH}`);
    const ajv = new Ajv({ allErrors: true, strict: false });
    // ajv-formats is CommonJS: its default export arrives as the module object under Node's ESM.
    addFormatsModule.default(ajv);
    validator = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')));
  }
  return validator(event) ? [] : (validator.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
}
