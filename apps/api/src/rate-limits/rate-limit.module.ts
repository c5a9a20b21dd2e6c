import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { APP_CONFIG } from '@app/config';
import { rateLimitOptions } from './rate-limit.options.js';

/** The throttler's options and Redis storage; the guards themselves are registered, in order, by AppModule. */
@Module({
  imports: [ThrottlerModule.forRootAsync({ inject: [APP_CONFIG], useFactory: rateLimitOptions })],
})
export class RateLimitModule {}
