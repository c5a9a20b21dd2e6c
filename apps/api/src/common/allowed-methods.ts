import type { NextFunction, Request, Response } from 'express';
import { match } from 'path-to-regexp';

/** A route of the application's router, as `Router#listRoutes` lists it. */
interface ListedRoute {
  path: string | RegExp;
  methods?: string[];
}

interface RouterWithRoutes {
  listRoutes(): ListedRoute[];
}

type Matcher = { matches: (path: string) => boolean; methods: string[] };

/** Each application's routes, compiled once: they are all registered before the first request. */
const matchersOfRouter = new WeakMap<RouterWithRoutes, Matcher[]>();

/**
 * The methods the application serves at a path (GET implies HEAD), in the order its routes were
 * registered; none for a path no route serves. For a request that found no route for its method, this
 * tells a path that exists (405 Method Not Allowed, with `Allow`) from one that does not (404).
 */
export function allowedMethods(request: Request): string[] {
  const router = (request.app as unknown as { router: RouterWithRoutes }).router;
  let matchers = matchersOfRouter.get(router);
  if (!matchers) {
    matchers = router
      .listRoutes()
      .filter((route): route is { path: string; methods: string[] } => isResource(route.path) && Array.isArray(route.methods))
      .map((route) => {
        const test = match(route.path, { decode: false });
        return { matches: (path: string) => test(path) !== false, methods: route.methods.filter((method) => method !== '*') };
      });
    matchersOfRouter.set(router, matchers);
  }
  const methods = new Set<string>();
  for (const { matches, methods: ofRoute } of matchers) {
    if (matches(request.path)) for (const method of ofRoute) methods.add(method);
  }
  return [...methods];
}

/**
 * Whether a route of the API took the request: one that then found nothing (an unknown project) did; the
 * router's own "no route" did not.
 */
export function reachedRoute(request: Request): boolean {
  const route = (request as Request & { route?: { path?: unknown; methods?: Record<string, boolean> } }).route;
  if (!isResource(route?.path)) return false;
  // Express hands a HEAD to any route of its path, one that takes only POST included.
  const method = request.method.toLowerCase();
  return Boolean(route?.methods?.[method] || (method === 'head' && route?.methods?.get));
}

/**
 * A route's path names a resource; a path with a wildcard is middleware Nest mounts on every path and
 * method (the request logger's), which also sets `request.route`. None of the API's routes has one.
 */
function isResource(path: unknown): path is string {
  return typeof path === 'string' && !path.includes('*');
}

/**
 * `OPTIONS` on a path the API serves: 204 with the methods it takes in `Allow` (RFC 9110 §9.3.7). A CORS
 * preflight, when CORS is on, is answered before this; a path nothing serves goes on to the 404.
 */
export function answerOptions(request: Request, response: Response, next: NextFunction): void {
  if (request.method !== 'OPTIONS') return next();
  const methods = allowedMethods(request);
  if (methods.length === 0) return next();
  response.setHeader('Allow', [...methods, 'OPTIONS'].join(', '));
  response.status(204).end();
}
