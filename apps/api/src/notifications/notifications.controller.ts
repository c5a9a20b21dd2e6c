import { Body, Controller, Get, HttpCode, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { EmptyBody } from '../common/empty-body.pipe.js';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import type { Request, Response } from 'express';
import { type InboxEntry, InboxStore } from '@app/notifications';
import type { Actor } from '../auth/actor.js';
import { bearerSecret } from '../auth/api-key.guard.js';
import { ApiKeysService } from '../auth/api-keys.service.js';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import { NoQueryGuard } from '../common/no-query.guard.js';
import { ProblemException } from '../common/problem.js';
import { MAX_COUNTER } from '../common/validation.js';
import { UuidParam } from '../common/path-params.js';
import { QueryInteger } from '../common/query-integer.js';
import { INBOX_ENTRY, INBOX_PAGE, MARKED_READ } from './notification.schemas.js';
import { InboxStream } from './inbox-stream.service.js';

export class ListNotificationsQueryDto {
  @QueryInteger({ min: 1, max: 200, default: 50 }) limit?: number;
  @QueryInteger({ min: 1, max: MAX_COUNTER, description: 'The `nextBefore` of the previous page' }) before?: number;
  @ApiPropertyOptional({ type: 'boolean', description: 'true: only the entries not yet read' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'unread must be true or false' })
  unread?: boolean;
}

/** Keeps proxies and load balancers from closing an idle stream, and checks the key is still good. */
const HEARTBEAT_MS = 15_000;
/** Entries sent per read when a stream catches up. */
const STREAM_BATCH = 100;

/** The caller's in-app inbox: the notifications its inbox subscriptions delivered. */
@ApiTags('notifications')
@ApiBearerAuth()
@Roles('admin', 'manager')
@Controller('notifications')
export class NotificationsController {
  constructor(
    private readonly inbox: InboxStore,
    private readonly stream: InboxStream,
    private readonly keys: ApiKeysService,
  ) {}

  @Get()
  @ApiOperation({ summary: "The caller's inbox, newest first, paged with `before`; with the unread count" })
  @ApiOkResponse({ schema: INBOX_PAGE })
  list(@Query() query: ListNotificationsQueryDto, @CurrentActor() actor: Actor) {
    return this.inbox.list(actor.keyId, { limit: query.limit ?? 50, before: query.before, unreadOnly: query.unread });
  }

  @Get('stream')
  @UseGuards(NoQueryGuard)
  @ApiOperation({
    summary: 'Server-Sent Events: each new inbox entry as an event `notification` (id = its seq; Last-Event-ID resumes)',
  })
  @ApiOkResponse({
    description: 'Events `notification` whose data is an inbox entry (InboxEntry), with comments as heartbeats',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'The seq of the last entry received: the stream resumes after it' })
  async live(@CurrentActor() actor: Actor, @Req() request: Request, @Res() response: Response): Promise<void> {
    const resumeFrom = Number(request.header('last-event-id'));
    const newest = await this.newestSeq(actor.keyId);
    // An id past the newest entry (a stale client, an inbox restored from a backup) misses nothing, and
    // must not mute what comes next: the stream goes on from the newest entry.
    let lastSent = Number.isSafeInteger(resumeFrom) && resumeFrom >= 0 && request.header('last-event-id') ? Math.min(resumeFrom, newest) : newest;
    const secret = bearerSecret(request)!;

    response.status(200);
    response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    response.setHeader('Cache-Control', 'no-cache, no-transform');
    response.setHeader('Connection', 'keep-alive');
    response.setHeader('X-Accel-Buffering', 'no');
    response.flushHeaders();
    // A comment line: a key named before names were checked could hold a line break, which would end it.
    response.write(`retry: 3000\n: inbox of ${actor.name.replaceAll(/[\r\n]+/g, ' ')}\n\n`);

    let closed = false;
    // Reads are chained, so entries go out once each and in order however the wake-ups interleave.
    let pump = Promise.resolve();
    const sendNew = () => {
      pump = pump.then(async () => {
        while (!closed) {
          const entries = await this.inbox.after(actor.keyId, lastSent, STREAM_BATCH);
          for (const entry of entries) {
            response.write(formatEvent(entry));
            lastSent = entry.seq;
          }
          if (entries.length < STREAM_BATCH) return;
        }
      }).catch(() => close());
    };
    // Each heartbeat asks again whether the key still opens the inbox: a key revoked, expired or rotated
    // out while its stream is open loses the stream then. An unreachable database keeps it open.
    const heartbeat = setInterval(() => {
      const keepAlive = () => void (closed || response.write(': keep-alive\n\n'));
      // The stream may have closed while the key was being looked up: nothing is written after its end.
      void this.keys.authenticate(secret).then((still) => (still ? keepAlive() : close()), keepAlive);
    }, HEARTBEAT_MS);
    const close = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      unsubscribe();
      response.end();
    };
    const unsubscribe = this.stream.subscribe(actor.keyId, sendNew, close);
    request.on('close', close);
    sendNew();
  }

  @Post('read-all')
  @HttpCode(200)
  @UseGuards(NoQueryGuard)
  @ApiOperation({
    summary: 'Mark every notification in the inbox read',
    description: 'Idempotent by nature (Idempotency-Key is not needed): a retry marks nothing more and answers `marked: 0`.',
  })
  @ApiOkResponse({ schema: MARKED_READ })
  async readAll(@CurrentActor() actor: Actor, @Body(EmptyBody) _body: object) {
    return { marked: await this.inbox.markAllRead(actor.keyId), unreadCount: 0 };
  }

  @Post(':notificationId/read')
  @HttpCode(200)
  @UseGuards(NoQueryGuard)
  @ApiOperation({ summary: 'Mark one notification read', description: 'Idempotent by nature (Idempotency-Key is not needed): a retry answers the entry as it is.' })
  @ApiOkResponse({ schema: INBOX_ENTRY })
  async read(@UuidParam('notificationId') id: string, @CurrentActor() actor: Actor, @Body(EmptyBody) _body: object) {
    const entry = await this.inbox.markRead(actor.keyId, id);
    if (!entry) throw new ProblemException(404, 'NOTIFICATION.NOT_FOUND', 'Not Found', `Notification ${id} is not in your inbox.`);
    return entry;
  }

  private async newestSeq(ownerKeyId: string): Promise<number> {
    const newest = await this.inbox.list(ownerKeyId, { limit: 1 });
    return newest.items[0]?.seq ?? 0;
  }
}

function formatEvent(entry: InboxEntry): string {
  return `id: ${entry.seq}\nevent: notification\ndata: ${JSON.stringify(entry)}\n\n`;
}
