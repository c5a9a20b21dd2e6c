import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The link in every e-mail that stops its subscription without an API key (RFC 8058 one-click
 * unsubscribe): `<publicUrl>/unsubscribe/<subscription id>?token=<HMAC of the id>`. The token is
 * keyed by SECRETS_KEY, so only the deployment makes one and a changed SECRETS_KEY voids every link
 * sent before it. It names one subscription and does nothing else.
 */
export class UnsubscribeLinks {
  private readonly key: Buffer;

  /** Without `publicUrl` there is no address to link to: tokens are still checked, no link is made. */
  constructor(
    secretsKey: string,
    private readonly publicUrl?: string,
  ) {
    // Its own key, derived as SecretBox derives its own, so the two uses of SECRETS_KEY never meet.
    this.key = createHash('sha256').update(`project-tracker unsubscribe:${secretsKey}`, 'utf8').digest();
  }

  tokenFor(subscriptionId: string): string {
    return createHmac('sha256', this.key).update(subscriptionId.toLowerCase(), 'utf8').digest('base64url');
  }

  /** Compared in constant time; a token of any other length or alphabet is simply not valid. */
  isValid(subscriptionId: string, token: string): boolean {
    const expected = Buffer.from(this.tokenFor(subscriptionId), 'utf8');
    const given = Buffer.from(token, 'utf8');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** The subscription's unsubscribe link, or undefined when the deployment's public address is not set. */
  urlFor(subscriptionId: string): string | undefined {
    return this.publicUrl ? `${this.publicUrl}/unsubscribe/${subscriptionId}?token=${this.tokenFor(subscriptionId)}` : undefined;
  }
}
