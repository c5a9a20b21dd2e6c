import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuditCheckpoints } from '@app/event-store';
import { Roles } from '../auth/auth.decorators.js';
import { NO_QUERY, noQuery } from '../common/no-query.pipe.js';
import { PositiveIntegerParam } from '../common/path-params.js';
import { ApiProblemResponses } from '../common/problem-responses.js';
import { ACCESS_LOG, CHECKPOINT, CHECKPOINT_LIST, CHECKPOINT_VERIFICATION } from './audit.schemas.js';
import { ProblemException } from '../common/problem.js';
import { AccessLogService } from './access-log.service.js';
import { AUDIT_OUTCOME, Audited } from './access-log.interceptor.js';
import { AccessLogQueryDto, CheckpointVerifyQueryDto, CheckpointsQueryDto } from './dto/audit-queries.dto.js';

/** A checkpoint id in a path: a positive integer that a JSON number carries exactly. */
const CheckpointId = () => PositiveIntegerParam('checkpointId');

/** Checkpoints of the whole log's hash chain, their verification, and the access log. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(
    private readonly checkpoints: AuditCheckpoints,
    private readonly accessLog: AccessLogService,
  ) {}

  @Get('checkpoints')
  @Roles('admin', 'manager', 'auditor')
  @Audited('audit.checkpoints')
  @ApiOperation({
    summary: "Published heads of the whole log's hash chain",
    description:
      'The worker publishes a checkpoint every AUDIT_CHECKPOINT_INTERVAL_MS when events were committed: hash = ' +
      'SHA-256 of the previous checkpoint hash (64 zeros for the first) followed by the hash of every event since, ' +
      'in feed order (transaction, position), as hex text. `upTo.position` is the last event covered (the `after` of ' +
      '/events). Keep a hash you are given today; GET /audit/checkpoints/{id}/verify?hash=... proves later that ' +
      'nothing up to it changed. `latest` is the newest checkpoint.',
  })
  @ApiOkResponse({ schema: CHECKPOINT_LIST })
  async list(@Query() query: CheckpointsQueryDto) {
    const [items, latest] = await Promise.all([this.checkpoints.list(query), this.checkpoints.latest()]);
    return { items, latest: latest ?? null, next: items.at(-1)?.id ?? query.afterId ?? 0 };
  }

  @Get('checkpoints/:checkpointId')
  @Roles('admin', 'manager', 'auditor')
  @Audited('audit.checkpoint')
  @ApiOperation({ summary: 'One checkpoint' })
  @ApiOkResponse({ schema: CHECKPOINT })
  @ApiProblemResponses(NO_QUERY)
  async get(@CheckpointId() id: number, @Query(noQuery) _query: object) {
    const checkpoint = await this.checkpoints.get(id);
    if (!checkpoint) throw new ProblemException(404, 'CHECKPOINT.NOT_FOUND', 'Not Found', `There is no checkpoint ${id}.`);
    return checkpoint;
  }

  @Get('checkpoints/:checkpointId/verify')
  @Roles('admin', 'manager', 'auditor')
  @Audited('audit.checkpoint.verify')
  @ApiOperation({
    summary: 'Recomputes the global chain from the first event up to a checkpoint and compares',
    description:
      'Compares with every stored checkpoint up to this one, and with `hash` (the one you hold) at this one; also ' +
      're-hashes every event. Answers { valid, checkpoints, events } or { valid: false, brokenAt: { checkpointId, ' +
      'expectedHash, computedHash }, tamperedEvent, reason }. Reads the whole log up to the checkpoint: long on large ' +
      'logs, where `npm run audit:verify` shows progress.',
  })
  @ApiOkResponse({ schema: CHECKPOINT_VERIFICATION })
  async verify(
    @CheckpointId() id: number,
    @Query() query: CheckpointVerifyQueryDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    // Without a hash held for it, a checkpoint the table lacks is only an id nobody published (or a
    // typo): 404. With one, it was published, and its absence is what the verification reports.
    if (query.hash === undefined && !(await this.checkpoints.get(id))) {
      throw new ProblemException(404, 'CHECKPOINT.NOT_FOUND', 'Not Found', `There is no checkpoint ${id}.`);
    }
    const verification = await this.checkpoints.verify({ upToId: id, heldHash: query.hash });
    response.locals[AUDIT_OUTCOME] = { valid: verification.valid, checkpoint: id };
    return verification;
  }

  @Get('access-log')
  @Roles('admin')
  @Audited('audit.access-log')
  @ApiOperation({
    summary: 'Who read, exported or verified the audit trail, and when (admins)',
    description: 'Append-only. Page with `afterId` = the `next` of the previous page; filter by `projectId` or `keyId`.',
  })
  @ApiOkResponse({ schema: ACCESS_LOG })
  async log(@Query() query: AccessLogQueryDto) {
    const items = await this.accessLog.list(query);
    return { items, next: items.at(-1)?.id ?? query.afterId ?? 0 };
  }
}
