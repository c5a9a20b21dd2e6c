import type { ReferenceObject, SchemaObject } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';

/** One class-validator check as its metadata holds it (the storage keeps them by class). */
interface Check {
  propertyName: string;
  name?: string;
  constraints?: unknown[];
  each?: boolean;
}

/** The checks that bound a value, and the schema keywords each one is (from the check's constraints). */
const KEYWORDS: Record<string, (schema: SchemaObject, constraints: unknown[]) => void> = {
  maxLength: (schema, [n]) => (schema.maxLength ??= Number(n)),
  minLength: (schema, [n]) => (schema.minLength ??= Number(n)),
  // @Length(min, max): a reason's 1 to 2,000 characters.
  isLength: (schema, [min, max]) => {
    schema.minLength ??= Number(min);
    if (max !== undefined) schema.maxLength ??= Number(max);
  },
  max: (schema, [n]) => (schema.maximum ??= Number(n)),
  min: (schema, [n]) => (schema.minimum ??= Number(n)),
  arrayMaxSize: (schema, [n]) => (schema.maxItems ??= Number(n)),
  arrayMinSize: (schema, [n]) => (schema.minItems ??= Number(n)),
  isInt: (schema) => {
    if (schema.type === 'number') schema.type = 'integer';
  },
};

/**
 * Writes into the request body schemas the limits their validators enforce (a title's @MaxLength(300)
 * is its maxLength 300, an @IsInt its type integer, an @ArrayMaxSize its maxItems), where the DTO's own
 * decorators did not say them: the document then tells a client what the API will refuse, rather than
 * a 400 telling it afterwards. A check on each element of an array bounds the array's items.
 */
export function addValidatorLimits(schemas: Record<string, SchemaObject | ReferenceObject>): void {
  const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<{ name: string }, Check[]> };
  for (const [target, checks] of storage.validationMetadatas) {
    const schema = schemas[target.name];
    if (!schema || '$ref' in schema || !schema.properties) continue;
    for (const check of checks) {
      const apply = check.name ? KEYWORDS[check.name] : undefined;
      const property = schema.properties[check.propertyName];
      if (!apply || !property || '$ref' in property) continue;
      const bounded = check.each ? property.items : property;
      if (bounded && !('$ref' in bounded)) apply(bounded, check.constraints ?? []);
    }
  }
}
