import { Body, Controller, Delete, Get, HttpCode, Inject, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { EmptyBody } from '../common/empty-body.pipe.js';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type pg from 'pg';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { PG_POOL } from '@app/database';
import { checkWebhookUrl, type NewSubscription, type SecretRotation, type Subscription, SubscriptionExists, SubscriptionStore } from '@app/notifications';
import type { Actor } from '../auth/actor.js';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import { NoQueryGuard } from '../common/no-query.guard.js';
import { NO_QUERY, noQuery } from '../common/no-query.pipe.js';
import { UuidParam } from '../common/path-params.js';
import { ProblemException } from '../common/problem.js';
import { unknownProjects, unknownProjectsProblem } from '../projects/unknown-projects.js';
import { ApiProblemResponses, problemResponse } from '../common/problem-responses.js';
import { ApiIdempotencyKey, IdempotentRequestParam } from '../idempotency/idempotency-key.decorators.js';
import { SECRET_SHOWN_ONCE, secretShownOnce } from '../idempotency/idempotency.errors.js';
import type { IdempotentRequest } from '../idempotency/idempotent-request.js';
import { answered } from '../idempotency/answered.js';
import { IdempotentRequests } from '../idempotency/idempotent-requests.service.js';
import { CreateSubscriptionDto } from './dto/create-subscription.dto.js';
import { RotateWebhookSecretDto, WEBHOOK_SECRET_GRACE_SECONDS } from './dto/rotate-webhook-secret.dto.js';
import { ListDeliveriesQueryDto, ListSubscriptionsQueryDto } from './dto/subscription-queries.dto.js';
import { CREATED_SUBSCRIPTION, DELIVERY_ATTEMPTS, ROTATED_SUBSCRIPTION, SUBSCRIPTION, SUBSCRIPTION_LIST } from './subscription.schemas.js';

/** A manager's notification subscriptions: each sees and changes only its own; an admin may reach any by id. */
@ApiTags('subscriptions')
@ApiBearerAuth()
@Roles('admin', 'manager')
@Controller('subscriptions')
export class SubscriptionsController {
  constructor(
    private readonly subscriptions: SubscriptionStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly idempotent: IdempotentRequests,
  ) {}

  @Post()
  @UseGuards(NoQueryGuard)
  @ApiOperation({ summary: 'Subscribe to notifications by webhook, e-mail or the in-app inbox; a webhook answer shows its signing secret once' })
  @ApiCreatedResponse({
    description: 'The subscription; `secret` (whsec_...) for webhooks, shown this once',
    schema: CREATED_SUBSCRIPTION,
    headers: { Location: { description: 'The subscription', schema: { type: 'string' } } },
  })
  @ApiResponse({
    status: 409,
    ...problemResponse(409, `${SECRET_SHOWN_ONCE}; SUBSCRIPTION.EXISTS: the caller has an inbox subscription of the same filter (its Location)`),
    headers: { Location: { description: 'The subscription the first request made', schema: { type: 'string' } } },
  })
  @ApiIdempotencyKey("a webhook's signing secret")
  async create(
    @Body() body: CreateSubscriptionDto,
    @CurrentActor() actor: Actor,
    @IdempotentRequestParam() idempotency: IdempotentRequest | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const answer = await this.idempotent.run(actor.keyId, idempotency, {
      status: 201,
      prepare: () => this.newSubscription(body),
      write: async (client, input) => {
        const { subscription, secret } = await this.subscriptions.create(actor.keyId, input, client).catch((error: unknown) => {
          throw error instanceof SubscriptionExists ? subscriptionExists(error) : error;
        });
        return { body: subscription, secret };
      },
      secretShownOnce: (first) =>
        secretShownOnce(
          idempotency!.key,
          { what: 'the webhook subscription', id: first.id, location: `/subscriptions/${first.id}` },
          'If that answer was lost, delete this subscription and subscribe again with a new Idempotency-Key: the new one gets a new secret.',
        ),
    });
    response.setHeader('Location', `/subscriptions/${answer.body.id}`);
    return answered(response, answer);
  }

  @Get()
  @ApiOperation({ summary: "The caller's subscriptions" })
  @ApiOkResponse({ schema: SUBSCRIPTION_LIST })
  list(@Query() query: ListSubscriptionsQueryDto, @CurrentActor() actor: Actor) {
    return this.subscriptions.list(actor.keyId, { limit: query.limit ?? 100, offset: query.offset ?? 0 });
  }

  @Get(':subscriptionId')
  @ApiOperation({ summary: 'One subscription' })
  @ApiOkResponse({ schema: SUBSCRIPTION })
  @ApiProblemResponses(NO_QUERY)
  async get(@UuidParam('subscriptionId') id: string, @Query(noQuery) _query: object, @CurrentActor() actor: Actor) {
    return this.owned(id, actor);
  }

  @Delete(':subscriptionId')
  @HttpCode(204)
  @UseGuards(NoQueryGuard)
  @ApiOperation({ summary: 'End a subscription; what was still to be delivered is cancelled' })
  @ApiNoContentResponse()
  async delete(@UuidParam('subscriptionId') id: string, @CurrentActor() actor: Actor): Promise<void> {
    await this.owned(id, actor);
    await this.subscriptions.delete(id);
  }

  @Post(':subscriptionId/enable')
  @HttpCode(200)
  @UseGuards(NoQueryGuard)
  @ApiOperation({
    summary: 'Resume a subscription disabled after its receiver answered 410 Gone',
    description: 'Idempotent by nature (Idempotency-Key is not needed): enabling an active subscription changes nothing.',
  })
  @ApiOkResponse({ schema: SUBSCRIPTION })
  async enable(@UuidParam('subscriptionId') id: string, @CurrentActor() actor: Actor, @Body(EmptyBody) _body: object) {
    await this.owned(id, actor);
    // Deleted between the check and the update: as missing as it would have been a moment later.
    const enabled = await this.subscriptions.enable(id);
    if (!enabled) throw notFound(id);
    return enabled;
  }

  @Post(':subscriptionId/rotate-secret')
  @HttpCode(200)
  @UseGuards(NoQueryGuard)
  @ApiOperation({
    summary: "Give a webhook a new signing secret, shown once; the old one keeps signing beside it for a grace period",
    description:
      'While the grace lasts, every delivery carries two signatures in `webhook-signature` (Standard Webhooks: space-separated), ' +
      'one by each secret, so the receiver verifies with whichever it holds and can change over without refusing a delivery.',
  })
  @ApiOkResponse({ schema: ROTATED_SUBSCRIPTION })
  @ApiProblemResponses([409, `SUBSCRIPTION.NOT_WEBHOOK (only webhooks are signed); or ${SECRET_SHOWN_ONCE}`])
  @ApiIdempotencyKey('the new secret')
  // No body is read as {}: the default grace period.
  @ApiBody({ required: false, type: RotateWebhookSecretDto })
  async rotateSecret(
    @UuidParam('subscriptionId') id: string,
    @Body() body: RotateWebhookSecretDto,
    @CurrentActor() actor: Actor,
    @IdempotentRequestParam() idempotency: IdempotentRequest | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    await this.owned(id, actor);
    const answer = await this.idempotent.run(actor.keyId, idempotency, {
      status: 200,
      prepare: async () => undefined,
      // A refusal throws inside the transaction: nothing is recorded, so a retry is refused again.
      write: async (client) => {
        const { subscription, secret } = rotated(id, await this.subscriptions.rotateSecret(id, body.gracePeriodSeconds ?? WEBHOOK_SECRET_GRACE_SECONDS, client));
        return { body: subscription, secret };
      },
      secretShownOnce: (first) =>
        secretShownOnce(
          idempotency!.key,
          { what: 'the secret rotation of the webhook subscription', id: first.id, location: `/subscriptions/${first.id}` },
          "If that answer was lost, rotate again with a new Idempotency-Key: its answer shows a new secret (the one from before the lost rotation signs until that rotation's grace ends).",
        ),
    });
    return answered(response, answer);
  }

  @Get(':subscriptionId/deliveries')
  @ApiOperation({ summary: 'Every delivery attempt of the subscription, newest first: time, status, latency, error (a deleted one\'s too)' })
  @ApiOkResponse({ schema: DELIVERY_ATTEMPTS })
  async deliveries(@UuidParam('subscriptionId') id: string, @Query() query: ListDeliveriesQueryDto, @CurrentActor() actor: Actor) {
    // The attempts stay on record once a subscription is deleted, and its owner may still read them.
    await this.owned(id, actor, { deleted: true });
    return this.subscriptions.attempts(id, { limit: query.limit ?? 100, before: query.before });
  }

  private async owned(id: string, actor: Actor, options: { deleted?: boolean } = {}): Promise<Subscription> {
    const subscription = await this.subscriptions.find(id, options);
    // Someone else's subscription is answered like a missing one: its existence is not the caller's business.
    if (!subscription || (subscription.ownerKeyId !== actor.keyId && actor.role !== 'admin')) throw notFound(id);
    const { ownerKeyId: _owner, ...visible } = subscription;
    return visible;
  }

  /** The subscription the body asks for, checked: its target, and that the projects it names exist. */
  private async newSubscription(body: CreateSubscriptionDto): Promise<NewSubscription> {
    const target = await this.targetOf(body);
    const filter = {
      projectIds: [...new Set(body.filter?.projectIds?.map((id) => id.toLowerCase()) ?? [])],
      countries: [...new Set(body.filter?.countries ?? [])],
      types: [...new Set(body.filter?.types ?? [])],
    };
    await this.assertProjectsExist(filter.projectIds);
    return { channel: body.channel, target, filter };
  }

  /** The channel's target, checked: a webhook URL must be http(s) and, unless allowed, public. */
  private async targetOf(body: CreateSubscriptionDto): Promise<string | null> {
    const misplaced = (field: string, channel: string) =>
      new ProblemException(400, 'SUBSCRIPTION.FIELD_NOT_ALLOWED', 'Bad Request', `${field} is only for ${channel} subscriptions.`, [
        { field, message: `is only for ${channel} subscriptions` },
      ]);
    if (body.channel !== 'webhook' && body.url !== undefined) throw misplaced('url', 'webhook');
    if (body.channel !== 'email' && body.address !== undefined) throw misplaced('address', 'email');
    switch (body.channel) {
      case 'webhook': {
        const problem = await checkWebhookUrl(body.url!, this.config.notifications.webhookAllowPrivateNetworks);
        if (problem) throw new ProblemException(400, problem.code, 'Bad Request', `url ${problem.message}.`, [{ field: 'url', message: problem.message }]);
        return new URL(body.url!).toString();
      }
      case 'email':
        return body.address!;
      case 'inbox':
        return null;
    }
  }

  private async assertProjectsExist(projectIds: string[]): Promise<void> {
    const unknown = await unknownProjects(this.pool, projectIds);
    if (unknown.length > 0) throw unknownProjectsProblem('SUBSCRIPTION.UNKNOWN_PROJECT', 'filter.projectIds', unknown);
  }
}

/** 409 SUBSCRIPTION.EXISTS naming the inbox subscription that already has this filter, at its Location. */
function subscriptionExists(error: SubscriptionExists): ProblemException {
  const enable = error.status === 'disabled' ? `enable it (POST /subscriptions/${error.existingId}/enable)` : 'it is active';
  return new ProblemException(
    409,
    'SUBSCRIPTION.EXISTS',
    'Conflict',
    `You already have inbox subscription ${error.existingId} with this filter (${enable}): both would fill the one inbox, each digest twice.`,
    undefined,
    { location: `/subscriptions/${error.existingId}` },
    { resourceId: error.existingId },
  );
}

/** The rotated subscription and its new secret, or the refusal of a rotation. */
function rotated(id: string, result: SecretRotation): { subscription: Subscription; secret: string } {
  switch (result.outcome) {
    case 'rotated':
      return result;
    case 'not_found':
      throw notFound(id);
    case 'not_webhook':
      throw new ProblemException(
        409,
        'SUBSCRIPTION.NOT_WEBHOOK',
        'Conflict',
        `Subscription ${id} is an ${result.channel === 'email' ? 'e-mail' : 'inbox'} subscription; only webhooks have a signing secret to rotate.`,
      );
  }
}

function notFound(id: string): ProblemException {
  return new ProblemException(404, 'SUBSCRIPTION.NOT_FOUND', 'Not Found', `Subscription ${id} does not exist.`);
}
