import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import type { EmailChannel } from '@app/notifications';
import { DeliveriesProcessor } from '../processors/deliveries.processor.js';
import { NotifierProcessor } from '../processors/notifier.processor.js';
import { DeliveryDispatcher } from './delivery-dispatcher.service.js';
import { DELIVERIES_QUEUE, NOTIFIER_QUEUE } from './notification-queues.js';
import { EMAIL_CHANNEL, notificationProviders } from './notifications.providers.js';
import { NotifierWaker } from './notifier-waker.service.js';

/** Managers' notifications in the worker: the notifier, its schedules and the deliveries. */
@Module({
  imports: [BullModule.registerQueue({ name: NOTIFIER_QUEUE }, { name: DELIVERIES_QUEUE })],
  providers: [...notificationProviders, DeliveryDispatcher, NotifierProcessor, DeliveriesProcessor, NotifierWaker],
})
export class NotificationsWorkerModule implements OnApplicationShutdown {
  constructor(@Inject(EMAIL_CHANNEL) private readonly email: EmailChannel) {}

  onApplicationShutdown(): void {
    this.email.close();
  }
}
