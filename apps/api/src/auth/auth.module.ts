import { Global, Module } from '@nestjs/common';
import { ApiKeysService } from './api-keys.service.js';
import { KeyConfirmation } from './key-confirmation.js';

/**
 * The API keys, one service for the whole API: the guards, the key management routes, and the inbox
 * stream, which asks at each heartbeat whether its key still opens it. One instance, so one memory of
 * recently authenticated keys and one bootstrap of ADMIN_API_KEY. KeyConfirmation confirms a key recalled
 * from that memory before a command's answer (or problem) leaves.
 */
@Global()
@Module({
  providers: [ApiKeysService, KeyConfirmation],
  exports: [ApiKeysService, KeyConfirmation],
})
export class AuthModule {}
