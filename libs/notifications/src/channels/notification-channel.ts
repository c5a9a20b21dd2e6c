import type { StoredNotification } from '../notification.js';

/** Where one subscription's notifications go, as a channel needs to know it. */
export interface DeliveryTarget {
  subscriptionId: string;
  /** The API key that owns the subscription: its inbox, for the inbox channel. */
  ownerKeyId: string;
  /** The webhook URL or e-mail address; null for the inbox. */
  target: string | null;
  /**
   * The webhook's signing secrets (`whsec_...`), decrypted: its secret, then the one a rotation replaced
   * while that rotation's grace lasts. Empty for other channels.
   */
  secrets: string[];
}

/** What one attempt to deliver came to; every attempt is recorded with it. */
export interface DeliveryOutcome {
  ok: boolean;
  /** HTTP status (webhooks) or SMTP reply code (e-mail), when the other side answered. */
  statusCode: number | null;
  latencyMs: number;
  /** Why it failed, in a sentence; null on success. */
  error: string | null;
  /** The start of what the receiver answered, never more (it is stored). */
  responseExcerpt: string | null;
  /** The receiver asked never to be called again (HTTP 410 Gone): the subscription is disabled. */
  gone?: boolean;
  /** Retrying cannot help (the mail server refused the address for good): the delivery fails now. */
  permanent?: boolean;
}

/** A way of telling a subscriber. Implementations never throw for a failed delivery; they answer it. */
export interface NotificationChannel {
  send(notification: StoredNotification, target: DeliveryTarget): Promise<DeliveryOutcome>;
}

/** Keeps what a receiver answered short and printable before it is stored. */
export function excerpt(text: string, max = 500): string | null {
  const clean = text.replaceAll(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim();
  if (!clean) return null;
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
