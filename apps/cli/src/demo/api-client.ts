/** An answer of the API: its HTTP status and parsed JSON body (undefined when the body is not JSON). */
export interface ApiAnswer {
  status: number;
  body: unknown;
}

/** The few calls the demo makes to a running API, over plain fetch: nothing of Nest is needed here. */
export class ApiClient {
  constructor(readonly baseUrl: string) {}

  async request(method: 'GET' | 'POST', path: string, key?: string, body?: unknown): Promise<ApiAnswer> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (key !== undefined) headers.authorization = `Bearer ${key}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(new URL(path, this.baseUrl), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, body: parsed };
  }
}

/** Polls `probe` until it answers something other than undefined, or throws `failure()` after `timeoutMs`. */
export async function pollUntil<T>(probe: () => Promise<T | undefined>, timeoutMs: number, failure: () => Error): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch {
      // Not up yet (connection refused, timeout): try again until the deadline.
    }
    if (Date.now() > deadline) throw failure();
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
