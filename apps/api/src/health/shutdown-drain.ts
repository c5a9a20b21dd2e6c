import { type BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { APP_CONFIG, type AppConfig } from '@app/config';

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

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  /**
   * Only a signal drains: `app.close()` from code (specs, scripts) closes at once. The same signal again
   * (an operator's second Ctrl-C or `kill`) ends the drain early; the API then closes as usual.
   */
  async beforeApplicationShutdown(signal?: string): Promise<void> {
    if (!signal || this.config.shutdownDrainMs === 0) return;
    this.drainingSince = Date.now();
    this.logger.log(`${signal}: not ready; serving ${this.config.shutdownDrainMs} ms more before closing (${signal} again to close now)`);
    await new Promise<void>((resolve) => {
      const endDrain = () => {
        clearTimeout(timer);
        process.removeListener(signal, cutShort);
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
