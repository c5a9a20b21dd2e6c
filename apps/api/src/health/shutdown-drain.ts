import type { Server } from 'node:http';
import { type BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import { APP_CONFIG, type AppConfig } from '@app/config';

/**
 * How long requests in flight when the server closes may take to finish before their connections are
 * cut: longer than any command or read takes, short enough for an orchestrator's stop timeout (30 s).
 */
export const IN_FLIGHT_GRACE_MS = 10_000;

/**
 * Told to stop (SIGTERM), the API goes on serving for SHUTDOWN_DRAIN_MS while readiness answers 503, so
 * that a load balancer takes it out of rotation before its connections close; meanwhile every answer
 * says `Connection: close`, so that clients take their next request elsewhere. Closing at once left
 * requests already on their way over idle keep-alive connections reset. Requests in flight when the
 * drain ends are still finished: Nest closes the server only to new ones.
 */
@Injectable()
export class ShutdownDrain implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ShutdownDrain.name);
  private drainingSince: number | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  /**
   * Only a signal drains: `app.close()` from code (specs, scripts) closes at once. The same signal again
   * (an operator's second Ctrl-C or `kill`) ends the drain early; the API then closes as usual.
   *
   * Answers say `Connection: close` from the signal on, even with no drain (SHUTDOWN_DRAIN_MS=0): a
   * closed server still serves the keep-alive connections it has, and a client that keeps one busy
   * would keep the process alive for ever, taking writes no new connection could reach. Whatever is
   * still open IN_FLIGHT_GRACE_MS after the drain is cut.
   */
  async beforeApplicationShutdown(signal?: string): Promise<void> {
    if (!signal) return;
    this.drainingSince = Date.now();
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    const cut = () => {
      this.logger.warn(`${signal}: connections still open ${IN_FLIGHT_GRACE_MS} ms after the server closed: cut`);
      server?.closeAllConnections();
    };
    if (this.config.shutdownDrainMs === 0) {
      setTimeout(cut, IN_FLIGHT_GRACE_MS).unref();
      return;
    }
    this.logger.log(`${signal}: not ready; serving ${this.config.shutdownDrainMs} ms more before closing (${signal} again to close now)`);
    await new Promise<void>((resolve) => {
      const endDrain = () => {
        clearTimeout(timer);
        process.removeListener(signal, cutShort);
        setTimeout(cut, IN_FLIGHT_GRACE_MS).unref();
        resolve();
      };
      const cutShort = () => {
        this.logger.log(`${signal} again: closing now`);
        endDrain();
      };
      const timer = setTimeout(endDrain, this.config.shutdownDrainMs);
      process.once(signal, cutShort);
    });
  }

  /** Middleware: while draining, each answer asks its client to close the connection. */
  readonly closeConnectionsWhileDraining = (_request: Request, response: Response, next: NextFunction): void => {
    if (this.draining) response.setHeader('Connection', 'close');
    next();
  };
}
