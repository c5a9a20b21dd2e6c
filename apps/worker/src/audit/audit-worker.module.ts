import { Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { AuditCheckpointsProcessor } from './audit-checkpoints.processor.js';
import { AUDIT_QUEUE } from './audit-queue.js';

/** The worker's audit duties: the checkpoint scheduler and its processor. */
@Module({
  imports: [BullModule.registerQueue({ name: AUDIT_QUEUE })],
  providers: [AuditCheckpointsProcessor],
})
export class AuditWorkerModule {}
