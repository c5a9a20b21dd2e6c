import { type ClientRequest, type IncomingMessage, Agent, request, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { type RunningApi, startApi } from './support/running-api.js';

// A connection is left idle for longer than Node's own keep-alive timeout (5 s).
jest.setTimeout(30_000);

let system: RunningApi;
let port: number;

beforeAll(async () => {
  // Not the default, so the spec tells the setting from a constant; still well past Node's 5 s.
  system = await startApi('idle_connections', { HTTP_KEEP_ALIVE_TIMEOUT_MS: '61000' });
  const server = system.api.getHttpServer() as Server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  await system?.stop();
});

/** GET /health on the agent's connection; answers the status and the socket it went out on. */
function health(agent: Agent): Promise<{ status: number; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const outgoing: ClientRequest = request({ host: '127.0.0.1', port, path: '/health', agent }, (response: IncomingMessage) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode!, socket: outgoing.socket as Socket }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

describe('idle client connections', () => {
  it('stay open past Node’s 5 s, as a proxy in front keeping its connections for a minute needs', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await health(agent);
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      const second = await health(agent);

      expect([first.status, second.status]).toEqual([200, 200]);
      // The second request went out on the same connection: the API had not closed it meanwhile.
      expect(second.socket).toBe(first.socket);
    } finally {
      agent.destroy();
    }
  });

  it('take their idle timeout from HTTP_KEEP_ALIVE_TIMEOUT_MS, and wait longer than that for headers', () => {
    const server = system.api.getHttpServer() as Server;
    // 61 s as set in beforeAll: neither Node's 5 s nor the 65 s default.
    expect(server.keepAliveTimeout).toBe(61_000);
    expect(server.headersTimeout).toBeGreaterThan(server.keepAliveTimeout);
  });
});
