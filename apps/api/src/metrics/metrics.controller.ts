import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { Public } from '../auth/auth.decorators.js';
import { NoQueryGuard } from '../common/no-query.guard.js';
import { registry } from './metrics.js';

@ApiTags('health')
// Probes and scrapes must never be refused for being frequent.
@SkipThrottle({ address: true, key: true })
@Controller('metrics')
@UseGuards(NoQueryGuard)
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
