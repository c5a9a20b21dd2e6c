import { Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { SubscriptionStore, UnsubscribeLinks } from '@app/notifications';
import { Public } from '../auth/auth.decorators.js';
import { UuidParam } from '../common/path-params.js';
import { ProblemException } from '../common/problem.js';
import { invalidRequest } from '../common/validation.js';
import { UNSUBSCRIBE_PAGE_CSP, unsubscribePageHtml } from './unsubscribe.page.js';

/**
 * The link in every e-mail (`List-Unsubscribe`, and the footer): its recipient, who has no API key,
 * stops the subscription. GET asks (link scanners open links and must stop nothing); POST stops, from
 * the page's button or as a mail client's one-click unsubscribe (RFC 8058). The token in the link is
 * the key: without a valid one nothing is shown and nothing changes.
 */
@ApiExcludeController()
@Public()
@Controller('unsubscribe')
export class UnsubscribeController {
  constructor(
    private readonly subscriptions: SubscriptionStore,
    private readonly links: UnsubscribeLinks,
  ) {}

  @Get(':subscriptionId')
  async ask(@UuidParam('subscriptionId') id: string, @Query('token') given: unknown, @Res() response: Response): Promise<void> {
    const token = tokenOf(given);
    const subscription = await this.linked(id, token);
    const page =
      subscription.status === 'active'
        ? unsubscribePageHtml({ kind: 'confirm', subscriptionId: id, address: subscription.address ?? '', token })
        : unsubscribePageHtml({ kind: 'stopped', subscriptionId: id, address: subscription.address ?? '', now: false });
    this.send(response, page);
  }

  @Post(':subscriptionId')
  @HttpCode(200)
  async stop(@UuidParam('subscriptionId') id: string, @Query('token') given: unknown, @Res() response: Response): Promise<void> {
    const subscription = await this.linked(id, tokenOf(given));
    const stopped = await this.subscriptions.stopByRecipient(id);
    this.send(response, unsubscribePageHtml({ kind: 'stopped', subscriptionId: id, address: subscription.address ?? '', now: stopped?.stoppedNow ?? false }));
  }

  /** The e-mail subscription the link names, if its token is the one the deployment made for it. */
  private async linked(id: string, token: string) {
    const subscription = this.links.isValid(id, token) ? await this.subscriptions.find(id, { deleted: true }) : undefined;
    if (!subscription || subscription.channel !== 'email') {
      throw new ProblemException(
        404,
        'SUBSCRIPTION.UNSUBSCRIBE_LINK_INVALID',
        'Not Found',
        'This unsubscribe link is not valid: open the whole link from the e-mail, or ask the subscription\'s owner to delete it.',
      );
    }
    return subscription;
  }

  private send(response: Response, html: string): void {
    response.setHeader('Cache-Control', 'no-store');
    // Replaces the API-wide policy helmet set, for this page only.
    response.setHeader('Content-Security-Policy', UNSUBSCRIBE_PAGE_CSP);
    response.type('html').send(html);
  }
}

/**
 * The link's token. Other parameters are left alone: a mail system or link checker may add its own
 * (utm_source=...) to a link it passes on, and the token alone decides.
 */
function tokenOf(given: unknown): string {
  if (typeof given === 'string' && given.length > 0 && given.length <= 100) return given;
  throw invalidRequest([{ field: 'token', message: 'must be the one token the link in the e-mail carries' }]);
}
