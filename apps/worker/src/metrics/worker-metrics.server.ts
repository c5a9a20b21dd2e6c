import { createServer, type Server } from 'node:http';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { workerRegistry } from './worker-metrics.js';

/** GET /metrics on WORKER_METRICS_PORT (the worker has no other HTTP server); 0 turns it off. */
@Injectable()
export class WorkerMetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerMetricsServer.name);
  private server: Server | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.workerMetricsPort === 0) return;
    const server = createServer((request, response) => {
      if (request.method === 'GET' && request.url?.split('?')[0] === '/metrics') {
        workerRegistry
          .metrics()
          .then((body) => response.writeHead(200, { 'content-type': workerRegistry.contentType }).end(body))
          .catch(() => response.writeHead(500).end());
        return;
      }
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: the worker serves GET /metrics only\n');
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.workerMetricsPort, () => resolve());
    }).catch((error: unknown) => this.logger.warn(`metrics not served on port ${this.config.workerMetricsPort}: ${String(error)}`));
    this.server = server.listening ? server : undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise((resolve) => (this.server ? this.server.close(resolve) : resolve(undefined)));
  }
}
