import { Body, Controller, Delete, Get, HttpCode, Inject, Post, Query, Res, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import type { Response } from 'express';
import type pg from 'pg';
import { PG_POOL } from '@app/database';
import { type Actor, aRole, ROLES, type Role } from '../auth/actor.js';
import { ApiKeysService, type ApiKeyView, type CreatedApiKey, type RotateOutcome } from '../auth/api-keys.service.js';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import { NoQueryGuard } from '../common/no-query.guard.js';
import { ProblemException } from '../common/problem.js';
import { ApiProblemResponses } from '../common/problem-responses.js';
import { apiSchema, arrayOf, boolean, closed, dateTime, nullable, oneOfValues, string, uuid } from '../common/openapi/api-schema.js';
import { UuidParam } from '../common/path-params.js';
import { QueryInteger } from '../common/query-integer.js';
import { IsUuid } from '../common/uuid.js';
import { IsInstant, IsNotBlank } from '../common/validation.js';
import { ApiIdempotencyKey, IdempotentRequestParam } from '../idempotency/idempotency-key.decorators.js';
import { SECRET_SHOWN_ONCE, secretShownOnce } from '../idempotency/idempotency.errors.js';
import type { IdempotentRequest } from '../idempotency/idempotent-request.js';
import { answered } from '../idempotency/answered.js';
import { IdempotentRequests, type ShownOnce } from '../idempotency/idempotent-requests.service.js';
import { unknownProjects, unknownProjectsProblem } from '../projects/unknown-projects.js';

/** Longest lifetime a key may be given at creation. */
const MAX_KEY_LIFETIME_DAYS = 3660;
const MAX_GRACE_SECONDS = 30 * 24 * 3600;

export class CreateApiKeyDto {
  @ApiProperty({ example: 'Bansuo field office', description: 'One line, without control characters' })
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  // A label shown on one line (the key list, the inbox stream's greeting): a line break in it could
  // forge lines of the notification stream.
  @Matches(/^[^\u0000-\u001f\u007f]*$/, { message: 'name must be one line, without control characters' })
  name!: string;
  @ApiProperty({ enum: ROLES }) @IsIn(ROLES) role!: Role;
  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Required for team keys: the projects the key may work on' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsUuid({ each: true })
  @ValidateIf((dto: CreateApiKeyDto) => dto.projectIds !== undefined)
  projectIds?: string[];
  @ApiPropertyOptional({ example: '2027-06-30T00:00:00Z', description: 'When the key stops working; never when left out' })
  @IsOptional()
  @IsInstant()
  expiresAt?: string;
}

export class RotateApiKeyDto {
  // Its type (integer) and bounds come from the validators below (validator-limits.ts).
  @ApiPropertyOptional({
    example: 3600,
    description: 'How long the old secret keeps working, in seconds (0: it stops at once); API_KEY_ROTATION_GRACE_SECONDS when left out',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_GRACE_SECONDS)
  gracePeriodSeconds?: number;
}

export class ListApiKeysQueryDto {
  @QueryInteger({ min: 1, max: 500, default: 100 }) limit?: number;
  @QueryInteger({ min: 0, max: 1_000_000, default: 0 }) offset?: number;
}

const API_KEY_MEMBERS = {
  id: uuid('The key id: the `actor.keyId` of the events it recorded'),
  name: string(),
  role: oneOfValues(ROLES),
  projectIds: arrayOf(uuid(), 'The projects a team key may work on; empty for other roles'),
  status: oneOfValues(['active', 'expired', 'revoked']),
  bootstrap: boolean('The key that comes from the ADMIN_API_KEY setting'),
  createdAt: dateTime(),
  lastUsedAt: nullable(dateTime('Recorded at most once a minute')),
  expiresAt: nullable(dateTime('When the key stops working; null: never')),
  revokedAt: nullable(dateTime()),
  rotatedAt: nullable(dateTime()),
  previousSecretValidUntil: nullable(dateTime('Until when the secret replaced by the last rotation still works')),
};

const API_KEY = apiSchema('ApiKey', closed(API_KEY_MEMBERS, [], 'An API key as admins and auditors see it; never its secret'));
const CREATED_API_KEY = apiSchema(
  'CreatedApiKey',
  closed({ ...API_KEY_MEMBERS, secret: { type: 'string', pattern: '^ptk_', description: 'Shown once; store it now' } }, [], 'A key with its secret, shown this once'),
);
const API_KEY_LIST = apiSchema('ApiKeyList', closed({ items: arrayOf(API_KEY) }));

/** Key management: admins create, list, revoke and rotate keys; auditors list them. No answer ever holds a stored hash. */
@ApiTags('api-keys')
@ApiBearerAuth()
@Controller('api-keys')
export class ApiKeysController {
  constructor(
    private readonly keys: ApiKeysService,
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly idempotent: IdempotentRequests,
  ) {}

  @Post()
  @Roles('admin')
  @UseGuards(NoQueryGuard)
  @ApiOperation({ summary: 'Create an API key (admin); the secret is shown once' })
  @ApiCreatedResponse({ schema: CREATED_API_KEY })
  @ApiProblemResponses([409, SECRET_SHOWN_ONCE])
  @ApiIdempotencyKey("the key's secret")
  async create(
    @Body() body: CreateApiKeyDto,
    @CurrentActor() actor: Actor,
    @IdempotentRequestParam() idempotency: IdempotentRequest | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const answer = await this.idempotent.run(actor.keyId, idempotency, {
      status: 201,
      prepare: () => this.newKey(body),
      write: async (client, input) => withSecretApart(await this.keys.create(input, client)),
      secretShownOnce: (first) =>
        secretShownOnce(
          idempotency!.key,
          { what: 'the API key', id: first.id },
          `If that answer was lost, revoke this key (DELETE /api-keys/${first.id}) and create another with a new Idempotency-Key.`,
        ),
    });
    return answered(response, answer);
  }

  @Get()
  // Auditors read it too: events name their actor by key id, and "who recorded what" needs the name.
  @Roles('admin', 'auditor')
  @ApiOperation({ summary: 'List API keys (admin, auditor): name, role, scope, status, created, last used, expiry; never a secret' })
  @ApiOkResponse({ schema: API_KEY_LIST })
  async list(@Query() query: ListApiKeysQueryDto): Promise<{ items: ApiKeyView[] }> {
    return { items: await this.keys.list({ limit: query.limit ?? 100, offset: query.offset ?? 0 }) };
  }

  @Delete(':keyId')
  @Roles('admin')
  @HttpCode(204)
  @UseGuards(NoQueryGuard)
  @ApiOperation({ summary: 'Revoke an API key (admin): refused from the next request on' })
  @ApiNoContentResponse({ description: 'Revoked (also when it already was)' })
  @ApiProblemResponses([409, 'API_KEY.LAST_ADMIN: the last active admin key is not revoked'])
  async revoke(@UuidParam('keyId') id: string): Promise<void> {
    const result = await this.keys.revoke(id);
    switch (result.outcome) {
      case 'revoked':
        return;
      case 'not_found':
        throw notFound(id);
      case 'last_admin':
        throw new ProblemException(
          409,
          'API_KEY.LAST_ADMIN',
          'Conflict',
          'This is the last active admin key (or the last that does not expire); create another admin key without an expiry before revoking it, or no one could manage keys any more.',
        );
    }
  }

  @Post(':keyId/rotate')
  @Roles('admin')
  @HttpCode(200)
  @UseGuards(NoQueryGuard)
  @ApiOperation({ summary: 'Give a key a new secret (admin); the old one keeps working for a grace period' })
  @ApiOkResponse({ schema: CREATED_API_KEY })
  @ApiProblemResponses([
    409,
    `API_KEY.BOOTSTRAP_ROTATION (the ADMIN_API_KEY key), API_KEY.REVOKED or API_KEY.EXPIRED (an inactive key); or ${SECRET_SHOWN_ONCE}`,
  ])
  @ApiIdempotencyKey('the new secret')
  // No body is read as {}: the configured grace period.
  @ApiBody({ required: false, type: RotateApiKeyDto })
  async rotate(
    @UuidParam('keyId') id: string,
    @Body() body: RotateApiKeyDto,
    @CurrentActor() actor: Actor,
    @IdempotentRequestParam() idempotency: IdempotentRequest | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const answer = await this.idempotent.run(actor.keyId, idempotency, {
      status: 200,
      prepare: async () => undefined,
      // A refusal throws inside the transaction: nothing is recorded, so a retry is refused again (or,
      // once the cause is gone, runs).
      write: async (client) => withSecretApart(rotated(id, await this.keys.rotate(id, body.gracePeriodSeconds, client))),
      secretShownOnce: (first) =>
        secretShownOnce(
          idempotency!.key,
          { what: 'the rotation of API key', id: first.id },
          "If that answer was lost, rotate the key again with a new Idempotency-Key: its answer shows a new secret (the one from before the lost rotation works until that rotation's grace ends).",
        ),
    });
    return answered(response, answer);
  }

  /** The key the body asks for, checked: scope by role, a sensible expiry, projects that exist. */
  private async newKey(body: CreateApiKeyDto): Promise<{ name: string; role: Role; projectIds: string[]; expiresAt?: string }> {
    // Lower case, as PostgreSQL writes a uuid and as scope checks compare them.
    const projectIds = [...new Set((body.projectIds ?? []).map((id) => id.toLowerCase()))];
    if (body.role === 'team' && projectIds.length === 0) {
      throw new ProblemException(400, 'API_KEY.SCOPE_REQUIRED', 'Bad Request', 'A team key needs the projects it may work on.', [
        { field: 'projectIds', message: 'must name at least one project for a team key' },
      ]);
    }
    if (body.role !== 'team' && projectIds.length > 0) {
      throw new ProblemException(400, 'API_KEY.SCOPE_NOT_ALLOWED', 'Bad Request', `${aRole(body.role)} key is not scoped to projects.`, [
        { field: 'projectIds', message: 'only team keys are scoped to projects' },
      ]);
    }
    if (body.expiresAt !== undefined) assertSensibleExpiry(body.expiresAt);
    // A key scoped to no project that exists could do nothing (project ids are given at proposal).
    const unknown = await unknownProjects(this.pool, projectIds);
    if (unknown.length > 0) throw unknownProjectsProblem('API_KEY.UNKNOWN_PROJECT', 'projectIds', unknown);
    return { name: body.name, role: body.role, projectIds, expiresAt: body.expiresAt };
  }
}

/** A created or rotated key as an idempotent write answers it: its secret apart, so it is never recorded. */
function withSecretApart({ secret, ...key }: CreatedApiKey): ShownOnce<ApiKeyView> {
  return { body: key, secret };
}

/** The rotated key, or the refusal of a rotation. */
function rotated(id: string, result: RotateOutcome): CreatedApiKey {
  switch (result.outcome) {
    case 'rotated':
      return result.key;
    case 'not_found':
      throw notFound(id);
    case 'bootstrap':
      throw new ProblemException(
        409,
        'API_KEY.BOOTSTRAP_ROTATION',
        'Conflict',
        'The ADMIN_API_KEY key is rotated by setting a new ADMIN_API_KEY and restarting; create a separate admin key for day-to-day use.',
      );
    case 'inactive':
      throw new ProblemException(409, `API_KEY.${result.status.toUpperCase()}`, 'Conflict', `The key is ${result.status}; create a new one instead.`);
  }
}

function notFound(id: string): ProblemException {
  return new ProblemException(404, 'API_KEY.NOT_FOUND', 'Not Found', `There is no API key ${id}.`);
}

function assertSensibleExpiry(expiresAt: string): void {
  const when = Date.parse(expiresAt);
  const now = Date.now();
  if (when <= now) {
    throw new ProblemException(400, 'REQUEST.INVALID', 'Bad Request', 'The request is invalid: expiresAt: must be in the future.', [
      { field: 'expiresAt', message: 'must be in the future' },
    ]);
  }
  if (when > now + MAX_KEY_LIFETIME_DAYS * 86_400_000) {
    throw new ProblemException(400, 'REQUEST.INVALID', 'Bad Request', `The request is invalid: expiresAt: must be within ${MAX_KEY_LIFETIME_DAYS} days.`, [
      { field: 'expiresAt', message: `must be within ${MAX_KEY_LIFETIME_DAYS} days` },
    ]);
  }
}
