// What says a dependency cannot be reached right now, as opposed to a fault in the request or the code.

/** PostgreSQL codes that say the server is going away, refusing connections or cancelled a statement that ran too long. */
const UNAVAILABLE_SQLSTATES = ['57P01', '57P02', '57P03', '53300', '57014', '08000', '08001', '08003', '08006'];
const UNAVAILABLE_ERRNOS = ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'EPIPE'];
const UNAVAILABLE_MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|connection is closed|Query read timeout|Client has encountered a connection error|Stream isn't writeable|Reached the max retries per request limit/i;

/**
 * A dependency that cannot be reached (connection refused, pool timeout, statement timeout, Redis down):
 * the API answers 503 with Retry-After, not 500, and the worker retries a projection that failed so as
 * soon as PostgreSQL answers again. MikroORM wraps driver errors, so the cause chain is searched too.
 */
export function isUnavailable(exception: unknown, depth = 0): boolean {
  if (!exception || typeof exception !== 'object' || depth > 5) return false;
  const error = exception as { code?: unknown; errno?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  const code = typeof error.code === 'string' ? error.code : '';
  if (UNAVAILABLE_SQLSTATES.includes(code) || UNAVAILABLE_ERRNOS.includes(code)) return true;
  if (typeof error.message === 'string' && UNAVAILABLE_MESSAGES.test(error.message)) return true;
  // Node's AggregateError (a connection to both 127.0.0.1 and ::1 refused) keeps the reasons in `errors`.
  if (Array.isArray(error.errors) && error.errors.some((inner) => isUnavailable(inner, depth + 1))) return true;
  return isUnavailable(error.cause, depth + 1);
}

