import { Logger, type Provider } from '@nestjs/common';
import type pg from 'pg';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { PG_POOL } from '@app/database';
import { PostgresEventStore } from '@app/event-store';
import {
  DeliveryRunner,
  DigestRun,
  EmailChannel,
  InboxChannel,
  Notifier,
  OverdueScan,
  SecretBox,
  UnsubscribeLinks,
  WebhookChannel,
} from '@app/notifications';

/** The e-mail channel holds an SMTP connection pool, closed with the worker. */
export const EMAIL_CHANNEL = Symbol('EMAIL_CHANNEL');

/** A delivery holds its row this long beyond its slowest send (an SMTP exchange has three timed stages) before another run may take it over. */
const LEASE_MARGIN_MS = 30_000;

export const notificationProviders: Provider[] = [
  {
    provide: Notifier,
    inject: [PG_POOL, PostgresEventStore],
    useFactory: (pool: pg.Pool, store: PostgresEventStore) => {
      const logger = new Logger('Notifier');
      return new Notifier(pool, store, undefined, (error) =>
        logger.error(`${error.message}: its project is notified of nothing more until its history is repaired (GET /projects/${error.streamId}/audit)`),
      );
    },
  },
  { provide: OverdueScan, inject: [PG_POOL], useFactory: (pool: pg.Pool) => new OverdueScan(pool) },
  { provide: DigestRun, inject: [PG_POOL], useFactory: (pool: pg.Pool) => new DigestRun(pool) },
  {
    provide: EMAIL_CHANNEL,
    inject: [APP_CONFIG],
    useFactory: (config: AppConfig) =>
      new EmailChannel({
        smtpUrl: config.notifications.smtpUrl,
        from: config.notifications.mailFrom,
        timeoutMs: config.notifications.webhookTimeoutMs,
        publicUrl: config.notifications.publicUrl,
        unsubscribeLinks: new UnsubscribeLinks(config.notifications.secretsKey, config.notifications.publicUrl),
      }),
  },
  {
    provide: DeliveryRunner,
    inject: [APP_CONFIG, PG_POOL, EMAIL_CHANNEL],
    useFactory: (config: AppConfig, pool: pg.Pool, email: EmailChannel) => {
      const settings = config.notifications;
      return new DeliveryRunner(
        pool,
        {
          webhook: new WebhookChannel({ allowPrivateNetworks: settings.webhookAllowPrivateNetworks, timeoutMs: settings.webhookTimeoutMs }),
          email,
          inbox: new InboxChannel(pool),
        },
        new SecretBox(settings.secretsKey),
        { retryDelaysMs: settings.deliveryRetryDelaysMs, leaseMs: 3 * settings.webhookTimeoutMs + LEASE_MARGIN_MS },
      );
    },
  },
];
