import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { Public } from '../auth/auth.decorators.js';
import { registry } from './metrics.js';

@ApiTags('health')
// Probes and scrapes must never be refused for being frequent, nor for what a monitor adds to the URL
// (a cache-buster): they read no query, so no query can change what they answer.
@SkipThrottle({ address: true, key: true })
@Controller('metrics')
export class MetricsController {
  @Get()
  @Public()
  @Header('Content-Type', registry.contentType)
  @ApiOperation({ summary: 'Prometheus metrics' })
  @ApiOkResponse({ description: 'The Prometheus text exposition format', content: { [registry.contentType]: { schema: { type: 'string' } } } })
  metrics(): Promise<string> {
    return registry.metrics();
  }
}
