import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  receivedAt: number;
}

export interface ReceiverAnswer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  /** Never answer: the sender's timeout must end the call. */
  hang?: boolean;
  /** Answer after this long. */
  delayMs?: number;
}

/** Decides the answer to the n-th request (1-based) on a path. */
export type Responder = (request: ReceivedWebhook, nthOnPath: number) => ReceiverAnswer;

/** A real HTTP server on loopback that records every webhook call, as a subscriber's endpoint would. */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private readonly responders = new Map<string, Responder>();
  private readonly listeners = new Set<(request: ReceivedWebhook) => void>();
  /** Calls received and not yet answered or given up by the sender, per path, and the most there ever were. */
  private readonly open = new Map<string, { now: number; most: number }>();
  private server!: Server;

  static async start(): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    receiver.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const path = req.url ?? '/';
        const request = { path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), receivedAt: Date.now() };
        receiver.received.push(request);
        const open = receiver.open.get(path) ?? { now: 0, most: 0 };
        receiver.open.set(path, open);
        open.most = Math.max(open.most, ++open.now);
        res.on('close', () => open.now--);
        for (const listener of receiver.listeners) listener(request);
        const nth = receiver.on(path).length;
        const responder: Responder = receiver.responders.get(path) ?? (() => ({ status: 204 }));
        const answer = responder(request, nth);
        if (answer.hang) return;
        setTimeout(() => {
          res.writeHead(answer.status, answer.headers ?? {});
          res.end(answer.body ?? '');
        }, answer.delayMs ?? 0);
      });
    });
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  /** How to answer calls on `path` (204 when not told). */
  respond(path: string, responder: Responder): void {
    this.responders.set(path, responder);
  }

  /** Calls `listener` on every call as it arrives. */
  onRequest(listener: (request: ReceivedWebhook) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The most calls on `path` that were open at once (received, neither answered nor given up by the sender). */
  mostAtOnce(path: string): number {
    return this.open.get(path)?.most ?? 0;
  }

  on(path: string): ReceivedWebhook[] {
    return this.received.filter((request) => request.path === path);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
