import type { CanActivate, ExecutionContext } from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import type { Request, RequestHandler, Response } from 'express';

/**
 * Reads and checks the body (jsonBodyChecks) once the caller is known to be allowed to send it. As
 * Express middleware the checks ran before any guard: a caller without a key, with an unknown one or
 * with one that may not do this heard about its body (400, 415) instead of 401 or 403, and the API
 * parsed and walked bodies it was about to refuse. bootstrap.ts adds it after AppModule's guards (an
 * added global guard comes after those), so after authentication and authorization and before any pipe
 * reads the body; routes without a key (@Public) are checked all the same. A refusal is the problem the
 * middleware gave, the adapter mapping the parser's errors as it maps those of middleware.
 */
export class JsonBodyGuard implements CanActivate {
  constructor(
    private readonly checks: RequestHandler[],
    private readonly adapter: Pick<AbstractHttpAdapter, 'mapException'>,
  ) {}

  canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    const response = context.switchToHttp().getResponse<Response>();
    return new Promise((resolve, reject) => {
      const refuse = (error: unknown) => reject(this.adapter.mapException(error));
      const after = (index: number) => (error?: unknown) => {
        if (error) return refuse(error);
        if (index === this.checks.length) return resolve(true);
        try {
          void this.checks[index]!(request, response, after(index + 1));
        } catch (thrown) {
          refuse(thrown);
        }
      };
      after(0)();
    });
  }
}
