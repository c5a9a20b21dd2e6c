import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { EVENT_FEED } from './audit.schemas.js';
import { FEED_START, PostgresEventStore } from '@app/event-store';
import { Roles } from '../auth/auth.decorators.js';
import { ProblemException } from '../common/problem.js';
import { Audited } from './access-log.interceptor.js';
import { eventFilterOf, FeedQueryDto } from './dto/audit-queries.dto.js';

/** The global feed of every project's events, for auditors, admins and integrations (manager keys). */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('events')
export class EventFeedController {
  constructor(private readonly store: PostgresEventStore) {}

  @Get()
  @Roles('admin', 'manager', 'auditor')
  @Audited('events.feed')
  @ApiOperation({
    summary: 'The global feed: every event of every project, in commit-safe order',
    description:
      'Pass `after` = the `next` of the previous page (0 to start). The order is (transaction, position), and only ' +
      'transactions older than the oldest one still open are read: positions are taken when events are inserted but ' +
      'can commit out of order, so a reader paging by position alone could skip an event whose transaction commits ' +
      'late; this feed never does, and never repeats one. An event therefore appears once every transaction started ' +
      'before it has finished (normally milliseconds). `items` may be empty while `next` stays where it was: poll ' +
      'again later. Filters (`types`, `from`/`to` on recorded-at, `occurredFrom`/`occurredTo`) leave the order as is.',
  })
  @ApiOkResponse({ schema: EVENT_FEED })
  async feed(@Query() query: FeedQueryDto) {
    const after = query.after ?? 0;
    const cursor = after === 0 ? FEED_START : await this.store.cursorAt(after);
    if (!cursor) {
      throw new ProblemException(400, 'FEED.UNKNOWN_POSITION', 'Bad Request', `No event has position ${after}; pass the \`next\` of a page.`, [
        { field: 'after', message: 'must be the position of an event (the `next` of a page) or 0' },
      ]);
    }
    const limit = query.limit ?? 100;
    const items = await this.store.readAll(cursor, limit, eventFilterOf(query));
    return { items, next: items.at(-1)?.position ?? after, count: items.length };
  }
}
