import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponses } from '../common/problem-responses.js';
import type { Response } from 'express';
import { Roles } from '../auth/auth.decorators.js';
import { ProblemException } from '../common/problem.js';
import { Audited } from './access-log.interceptor.js';
import { IatiListQueryDto } from './dto/audit-queries.dto.js';
import { IatiExportService } from './iati-export.service.js';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('iati')
export class IatiController {
  constructor(private readonly iati: IatiExportService) {}

  @Get()
  @Roles('admin', 'manager', 'auditor')
  @Audited('iati.country')
  @ApiOkResponse({
    description: 'An IATI 2.03 iati-activities document',
    content: { 'application/xml': { schema: { type: 'string' } } },
    headers: {
      'X-Total-Count': { description: 'Projects in the country (every project when no country is given)', schema: { type: 'integer' } },
      'X-IATI-Skipped': { description: 'The codes of the projects on this page left out, comma-separated (absent when none)', schema: { type: 'string' } },
    },
  })
  @ApiProblemResponses([404, 'No project has this recipient country (or none is recorded), or the page is past the last of them'], [409, 'None of the projects on this page can be published as IATI'])
  @ApiOperation({
    summary: "Every project of a recipient country, or every project of the publisher, as one IATI 2.03 iati-activities document",
    description:
      'Without `country`, every project (the publisher\'s whole activity file). Paged with `limit` (default 100) and ' +
      '`offset`; X-Total-Count is the number of projects in the country (or in all). A project ' +
      'IATI would refuse (a code outside its codelists, no activity date) is left out, named in X-IATI-Skipped and in a ' +
      'comment at the top of the document. 404 when the country has no project (IATI.NO_PROJECTS) or the page starts past the ' +
      'last one (IATI.PAGE_EMPTY: an IATI document holds one activity at least), 409 when none on the page can be published.',
  })
  async country(@Query() query: IatiListQueryDto, @Res({ passthrough: true }) response: Response): Promise<string> {
    const document = await this.iati.country(query.country, { limit: query.limit ?? 100, offset: query.offset ?? 0 });
    const projects = query.country ? `projects with the recipient country ${query.country}` : 'projects';
    if (!document || document.total === 0) {
      throw new ProblemException(404, 'IATI.NO_PROJECTS', 'Not Found', query.country ? `No project has the recipient country ${query.country}.` : 'No project is recorded yet.');
    }
    response.setHeader('X-Total-Count', String(document.total));
    if (document.activities === 0 && document.skipped.length === 0) {
      // An IATI document holds one activity at least: an empty page cannot be one.
      throw new ProblemException(
        404,
        'IATI.PAGE_EMPTY',
        'Not Found',
        `The page starting at offset ${query.offset ?? 0} is past the last of the ${document.total} ${projects}.`,
      );
    }
    if (document.skipped.length > 0) response.setHeader('X-IATI-Skipped', document.skipped.map((skip) => skip.code).join(','));
    if (document.activities === 0) {
      throw new ProblemException(
        409,
        'IATI.NOT_EXPORTABLE',
        'Conflict',
        `None of the projects on this page can be published as IATI: ${document.skipped
          .map((skip) => `${skip.code} (${skip.problems.map((p) => p.message).join('; ')})`)
          .join(', ')}.`,
      );
    }
    response.type('application/xml; charset=utf-8');
    return document.xml;
  }
}
