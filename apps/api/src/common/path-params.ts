import { type ArgumentMetadata, Param, ParseUUIDPipe, type PipeTransform } from '@nestjs/common';
import { ApiParam, type ApiParamOptions } from '@nestjs/swagger';
import { ProblemException } from './problem.js';

/**
 * An id in the path that must be a UUID, checked before anything reads it: anything else is 400
 * REQUEST.INVALID_ID naming the parameter ("projectId must be a UUID."). Documented as format uuid.
 * Written in either case, it is passed on lower-case (`lowerCaseIds`: one id, one text).
 */
export function UuidParam(name: string, description?: string): ParameterDecorator {
  const uuid = new ParseUUIDPipe({ exceptionFactory: () => invalidId(name, 'must be a UUID') });
  const pipe: PipeTransform<string, Promise<string>> = {
    async transform(value: string, metadata: ArgumentMetadata) {
      await uuid.transform(value, metadata);
      return value.toLowerCase();
    },
  };
  return documented(Param(name, pipe), { name, type: 'string', format: 'uuid', ...(description ? { description } : {}) });
}

/** A positive integer id in the path that a JSON number carries exactly (a checkpoint id). */
export function PositiveIntegerParam(name: string, description?: string): ParameterDecorator {
  const pipe: PipeTransform<string, number> = {
    transform(value) {
      const id = /^[1-9]\d{0,15}$/.test(value) ? Number(value) : Number.NaN;
      if (Number.isSafeInteger(id)) return id;
      throw invalidId(name, 'must be a positive integer');
    },
  };
  return documented(Param(name, pipe), {
    name,
    schema: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
    ...(description ? { description } : {}),
  });
}

function invalidId(name: string, message: string): ProblemException {
  return new ProblemException(400, 'REQUEST.INVALID_ID', 'Bad Request', `${name} ${message}.`, [{ field: name, message }]);
}

/** The parameter decorator, and the parameter's description on the route's operation. */
function documented(param: ParameterDecorator, options: ApiParamOptions): ParameterDecorator {
  return (target, key, index) => {
    param(target, key, index);
    if (key === undefined) return;
    const descriptor = Object.getOwnPropertyDescriptor(target, key)!;
    ApiParam({ required: true, ...options } as ApiParamOptions)(target, key, descriptor);
  };
}
