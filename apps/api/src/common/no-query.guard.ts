import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { noQuery } from './no-query.pipe.js';

/**
 * NoQueryPipe for routes whose parameters do not list the query (the commands, and every other route
 * that takes none): a query parameter is refused (400) before the body is validated, as the route never runs
 * with a meaning it does not have (`POST /projects/{id}/cancel?dryRun=true` would otherwise cancel the
 * project, `GET /projects/{id}/audit?version=5` verify the whole chain as if bounded). After the role
 * guards, so a caller who may not call the route hears that first.
 */
@Injectable()
export class NoQueryGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    noQuery.transform(context.switchToHttp().getRequest<Request>().query);
    return true;
  }
}
