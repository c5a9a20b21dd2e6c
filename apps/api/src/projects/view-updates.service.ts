import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { VersionListener } from '@app/event-store';
import { viewUpdatesChannel } from '@app/read-models';
import { ViewWatches } from './view-watches.js';

/**
 * The project views' updates as the worker announces them (viewUpdatesChannel), waking the reads that
 * wait for their own write. While Redis is away those reads still find their version by looking at the
 * views now and then (readOwnWrite); when the subscription is back, every waiting read looks again.
 */
@Injectable()
export class ViewUpdates extends ViewWatches implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ViewUpdates.name);
  private readonly listener: VersionListener;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super();
    this.listener = new VersionListener({
      redisUrl: config.redisUrl,
      channel: viewUpdatesChannel(config.queuePrefix),
      subject: 'view updates',
      onNotice: (notice) => this.updated(notice.streamId),
      warn: (message) => this.logger.warn(message),
      onReconnect: () => this.wakeAll(),
    });
  }

  onModuleInit(): void {
    this.listener.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.listener.stop();
  }
}
