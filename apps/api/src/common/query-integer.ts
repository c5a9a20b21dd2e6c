import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export interface QueryIntegerOptions {
  min: number;
  max: number;
  /** What the endpoint takes when the parameter is left out. */
  default?: number;
  description?: string;
  example?: number;
}

/**
 * An integer query parameter of a query DTO, parsed and checked one way everywhere: a number within
 * [min, max], or 400 REQUEST.INVALID naming it ("limit must be an integer number", "limit must not be
 * greater than 500"). Documented with its type, range and default.
 */
export function QueryInteger(options: QueryIntegerOptions): PropertyDecorator {
  const decorators = [
    ApiPropertyOptional({
      type: 'integer',
      minimum: options.min,
      maximum: options.max,
      ...(options.default !== undefined ? { default: options.default } : {}),
      ...(options.description ? { description: options.description } : {}),
      ...(options.example !== undefined ? { example: options.example } : {}),
    }),
    IsOptional(),
    Transform(({ value }: { value: unknown }) => toNumber(value)),
    IsInt({
      message: ({ property, value }) => (Array.isArray(value) ? `${property} is given more than once; give it once` : `${property} must be an integer number`),
    }),
    Min(options.min),
    Max(options.max),
  ];
  return (target, key) => {
    for (const decorator of decorators) decorator(target, key);
  };
}

/** A number as JSON writes one: decimal digits, a fraction and an exponent at most. */
const DECIMAL = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * A number as the query writes it in decimal (`1e30` is a number too big, not an unknown word); text that
 * is no such number (`0x10`, ` 5`, `Infinity`: JavaScript's Number would read them) or a repeated
 * parameter stays as it is, for IsInt to refuse.
 */
function toNumber(value: unknown): unknown {
  return typeof value === 'string' && DECIMAL.test(value) ? Number(value) : value;
}

