import { once } from 'node:events';
import { Controller, Get, Logger, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { PostgresEventStore } from '@app/event-store';
import type { Actor } from '../auth/actor.js';
import { CurrentActor } from '../auth/auth.decorators.js';
import { assertMayRead } from '../auth/project-access.js';
import { NO_QUERY, noQuery } from '../common/no-query.pipe.js';
import { UuidParam } from '../common/path-params.js';
import { ApiProblemResponses } from '../common/problem-responses.js';
import { PROJECT_DIFF, PROJECT_EVENTS, PROJECT_STATE_AT } from './audit.schemas.js';
import { Audited } from './access-log.interceptor.js';
import { DiffQueryDto, eventFilterOf, ProjectEventsQueryDto, StateQueryDto } from './dto/audit-queries.dto.js';
import { exportLine } from './ndjson-export.js';
import { ProjectHistoryService } from './project-history.service.js';

const EXPORT_PAGE = 1_000;

/** A project's history: its events, the project as it was at any point, and what changed between two. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('projects')
export class ProjectHistoryController {
  private readonly logger = new Logger(ProjectHistoryController.name);

  constructor(
    private readonly store: PostgresEventStore,
    private readonly history: ProjectHistoryService,
  ) {}

  @Get(':projectId/events')
  @Audited('project.events')
  @ApiOperation({
    summary: "The project's event stream with full metadata and hashes, paged by version",
    description:
      'Each event: type, version, global position, data (a reason, where the command had one, is in the data), ' +
      'metadata (event id, actor key id and role, command type, idempotency key, correlation and causation id, ' +
      'occurred-at, recorded-at), previous hash and hash. Filters: `types`, `from`/`to` (recorded-at), ' +
      '`occurredFrom`/`occurredTo` (business date), all bounds included. `nextFromVersion` continues the paging (null at the end).',
  })
  @ApiOkResponse({ schema: PROJECT_EVENTS })
  async events(@UuidParam('projectId') id: string, @Query() query: ProjectEventsQueryDto, @CurrentActor() actor: Actor) {
    assertMayRead(actor, id);
    const version = await this.history.currentVersion(id);
    const limit = query.limit ?? 100;
    const fromVersion = query.fromVersion ?? 1;
    const events = await this.store.readStream(id, {
      fromVersion,
      limit,
      ...eventFilterOf(query),
    });
    const last = events.at(-1)?.version;
    return {
      projectId: id,
      version,
      items: events,
      nextFromVersion: events.length === limit && last !== undefined && last < version ? last + 1 : null,
    };
  }

  @Get(':projectId/events.ndjson')
  @Audited('project.export.ndjson')
  @ApiOkResponse({
    description: 'One event a line, as in GET /projects/{projectId}/events, with its hashes',
    content: { 'application/x-ndjson': { schema: { type: 'string' } } },
    headers: {
      'X-Stream-Version': { description: 'The version the export goes up to', schema: { type: 'integer' } },
      'X-Stream-Head-Hash': { description: 'The hash of the event at that version', schema: { type: 'string' } },
      'Content-Disposition': { description: 'attachment; filename="project-<id>-v<version>.ndjson"', schema: { type: 'string' } },
    },
  })
  @ApiProblemResponses(NO_QUERY)
  @ApiOperation({
    summary: 'The whole stream as newline-delimited JSON, one event a line with its hashes, verifiable offline',
    description:
      'Streams every event up to the version current when the export starts (header X-Stream-Version; its hash in ' +
      'X-Stream-Head-Hash). Verify a file with `node scripts/verify-ndjson.mjs file.ndjson` (docs/verify-export.md): ' +
      'corrections appear as their own events beside the measurements they correct.',
  })
  async exportNdjson(@UuidParam('projectId') id: string, @Query(noQuery) _query: object, @CurrentActor() actor: Actor, @Res() response: Response): Promise<void> {
    assertMayRead(actor, id);
    const version = await this.history.currentVersion(id);
    const head = await this.history.eventAt(id, version);
    response.status(200);
    response.setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
    response.setHeader('Content-Disposition', `attachment; filename="project-${id}-v${version}.ndjson"`);
    response.setHeader('X-Stream-Version', String(version));
    response.setHeader('X-Stream-Head-Hash', head.hash);
    try {
      for (let fromVersion = 1; fromVersion <= version; fromVersion += EXPORT_PAGE) {
        const page = await this.store.readStream(id, { fromVersion, toVersion: Math.min(version, fromVersion + EXPORT_PAGE - 1) });
        const chunk = page.map((event) => `${JSON.stringify(exportLine(event))}\n`).join('');
        if (!response.write(chunk)) await once(response, 'drain');
      }
      response.end();
    } catch (error) {
      // The status line is sent: cut the stream so the client sees an incomplete export, not a short valid one.
      this.logger.error(`export of ${id} failed after the headers were sent: ${String(error)}`);
      response.destroy(error as Error);
    }
  }

  @Get(':projectId/state')
  @Audited('project.state')
  @ApiOperation({
    summary: 'The project rebuilt as it was: at a version, or as known at a time',
    description:
      '`version=N`: the state after event N. `at=<ISO date or date-time>`: the state after the last event RECORDED at ' +
      'or before that time, i.e. what the system knew then (a correction recorded later is not in it; a date alone means ' +
      'the end of that day, UTC). `at=...&basis=occurred`: the events whose OCCURRED-at (business date) is by then, as ' +
      'known today, including facts recorded later. Neither: the current state. `asOf` says which version this is.',
  })
  @ApiOkResponse({ schema: PROJECT_STATE_AT })
  async state(@UuidParam('projectId') id: string, @Query() query: StateQueryDto, @CurrentActor() actor: Actor) {
    assertMayRead(actor, id);
    return this.history.stateAt(id, query);
  }

  @Get(':projectId/diff')
  @Audited('project.diff')
  @ApiOperation({
    summary: 'What changed between two points of the history, in domain terms',
    description:
      '`from` and `to` are versions or ISO dates/date-times (as recorded by then; a date means the end of that day; with ' +
      '`basis=occurred`, dates only: what had happened by each by business date, as known today). ' +
      'Changes: status, lifecycle dates, components added, milestones planned/rescheduled/reached/waived, indicators ' +
      'defined and retargeted, measurements recorded and corrected, latest actuals.',
  })
  @ApiOkResponse({ schema: PROJECT_DIFF })
  async diff(@UuidParam('projectId') id: string, @Query() query: DiffQueryDto, @CurrentActor() actor: Actor) {
    assertMayRead(actor, id);
    return this.history.diff(id, query.from, query.to, query.basis);
  }
}
