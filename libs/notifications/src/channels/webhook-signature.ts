import { createHmac, randomBytes } from 'node:crypto';

/** Prefix of Standard Webhooks signing secrets; the rest is the key, base64. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/** A new signing secret: 32 random bytes, the size Standard Webhooks recommends (24 to 64). */
export function newWebhookSecret(): string {
  return WEBHOOK_SECRET_PREFIX + randomBytes(32).toString('base64');
}

/**
 * The `webhook-signature` header of the Standard Webhooks spec: `v1,` and the base64 HMAC-SHA256, keyed
 * with the secret's bytes, of `<webhook-id>.<webhook-timestamp>.<body>`.
 */
export function signWebhook(secret: string, webhookId: string, timestampSeconds: number, body: string): string {
  if (!secret.startsWith(WEBHOOK_SECRET_PREFIX)) throw new Error('A webhook secret starts with whsec_');
  const key = Buffer.from(secret.slice(WEBHOOK_SECRET_PREFIX.length), 'base64');
  const signature = createHmac('sha256', key).update(`${webhookId}.${timestampSeconds}.${body}`, 'utf8').digest('base64');
  return `v1,${signature}`;
}

/**
 * The `webhook-signature` header of a delivery signed by each of `secrets`: Standard Webhooks' list of
 * signatures separated by spaces, of which a receiver needs to verify one. While a rotation's grace
 * lasts, a delivery is signed by the new secret and the previous one, so the receiver verifies it with
 * whichever it holds.
 */
export function webhookSignatures(secrets: readonly string[], webhookId: string, timestampSeconds: number, body: string): string {
  if (secrets.length === 0) throw new Error('A webhook is signed by at least one secret');
  return secrets.map((secret) => signWebhook(secret, webhookId, timestampSeconds, body)).join(' ');
}
