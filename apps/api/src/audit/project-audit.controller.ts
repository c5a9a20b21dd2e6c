import { Controller, Get, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { PostgresAuditReader, verifyStream } from '@app/event-store';
import type { Actor } from '../auth/actor.js';
import { CurrentActor } from '../auth/auth.decorators.js';
import { assertMayRead } from '../auth/project-access.js';
import { AUDIT_OUTCOME, Audited } from './access-log.interceptor.js';
import { IatiQueryDto } from './dto/audit-queries.dto.js';
import { IatiExportService } from './iati-export.service.js';
import { projectNotFound } from './project-not-found.js';
import { NoQueryGuard } from '../common/no-query.guard.js';
import { UuidParam } from '../common/path-params.js';
import { ApiProblemResponses } from '../common/problem-responses.js';
import { STREAM_VERIFICATION } from './audit.schemas.js';

/** Verification and IATI export of one project. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('projects')
export class ProjectAuditController {
  constructor(
    private readonly reader: PostgresAuditReader,
    private readonly iati: IatiExportService,
  ) {}

  @Get(':projectId/audit')
  @Audited('project.audit')
  @UseGuards(NoQueryGuard)
  @ApiOperation({
    summary: "Verifies the project's hash chain from its first event to its head",
    description:
      'Recomputes each event hash from the stored columns (canonical JSON, SHA-256, covering the previous hash) and ' +
      'checks the versions run 1..N without a gap, each previous hash links to the event before, the indexed columns ' +
      'agree with the metadata, and the stream head names the last event. Answers 200 either way.',
  })
  @ApiOkResponse({ schema: STREAM_VERIFICATION })
  async audit(
    @UuidParam('projectId') id: string,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) response: Response,
  ) {
    assertMayRead(actor, id);
    const verification = await verifyStream(this.reader, id);
    if (!verification) throw projectNotFound(id);
    response.locals[AUDIT_OUTCOME] = verification.valid
      ? { valid: true, events: verification.events }
      : { valid: false, brokenAt: verification.brokenAt };
    const { streamId, ...rest } = verification;
    return { projectId: streamId, ...rest };
  }

  @Get(':projectId/iati')
  @Audited('project.export.iati')
  @ApiOkResponse({ description: 'An IATI 2.03 iati-activities document', content: { 'application/xml': { schema: { type: 'string' } } } })
  @ApiProblemResponses([409, 'IATI would refuse the project (a code outside its codelists, no activity date); `detail` names the fields'])
  @ApiOperation({
    summary: 'The project as an IATI 2.03 iati-activities document',
    description:
      'Built from the event store: identifier (reporting organisation + project code), reporting-org, title, ' +
      'description, participating orgs with roles, activity status, planned and actual dates, recipient country, ' +
      'location, DAC sector, results per component and level with indicators, baselines, targets and actuals ' +
      '(sex disaggregation as dimensions; a correction replaces the value it corrects and says which in its comment). ' +
      'Codes are checked against the IATI codelists: a project IATI would refuse answers 409 naming the fields. ' +
      '`version` or `at` export the project as it was.',
  })
  async projectIati(
    @UuidParam('projectId') id: string,
    @Query() query: IatiQueryDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) response: Response,
  ): Promise<string> {
    assertMayRead(actor, id);
    const document = await this.iati.project(id, query);
    response.type('application/xml; charset=utf-8');
    return document.xml;
  }
}
