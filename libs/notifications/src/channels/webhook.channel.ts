import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { CLOUD_EVENTS_CONTENT_TYPE, toCloudEvent } from '../cloud-event.js';
import type { StoredNotification } from '../notification.js';
import { describeError, excerpt, type DeliveryOutcome, type DeliveryTarget, type NotificationChannel } from './notification-channel.js';
import { guardedLookup, hostOf, isPrivateAddress, OutboundAddressRefused } from './outbound-address-guard.js';
import { webhookSignatures } from './webhook-signature.js';

export interface WebhookChannelOptions {
  allowPrivateNetworks: boolean;
  /** Bound of one call, from connecting to the last byte read. */
  timeoutMs: number;
}

/** Bytes of a receiver's answer read at most; the rest is dropped unread. */
const MAX_RESPONSE_BYTES = 4096;

const USER_AGENT = 'ProjectTracker-Webhooks/1.0 (+https://project-tracker.example/docs/notifications)';

/**
 * Webhooks: a structured-mode CloudEvent, signed per Standard Webhooks. The `webhook-id` is the
 * notification's id, the same on every retry, so a receiver can drop repeats; the timestamp and
 * signature are made afresh for each attempt. Redirects are never followed (a 3xx is a failure): a
 * redirect could lead to an address the guard would refuse.
 */
export class WebhookChannel implements NotificationChannel {
  private readonly lookup;

  constructor(private readonly options: WebhookChannelOptions) {
    this.lookup = guardedLookup(options.allowPrivateNetworks);
  }

  async send(notification: StoredNotification, target: DeliveryTarget): Promise<DeliveryOutcome> {
    if (!target.target || target.secrets.length === 0) throw new Error(`Subscription ${target.subscriptionId} has no webhook URL or secret`);
    const body = JSON.stringify(toCloudEvent(notification));
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'content-type': CLOUD_EVENTS_CONTENT_TYPE,
      'user-agent': USER_AGENT,
      'webhook-id': notification.id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': webhookSignatures(target.secrets, notification.id, timestamp, body),
    };
    const started = performance.now();
    const latency = () => Math.round(performance.now() - started);
    try {
      const url = new URL(target.target);
      const host = hostOf(url);
      // A literal address never goes through `lookup`, so it is checked here.
      if (isIP(host) && !this.options.allowPrivateNetworks && isPrivateAddress(host)) throw new OutboundAddressRefused(host, host);
      const response = await this.post(url, headers, body);
      const latencyMs = latency();
      const answer = excerpt(response.body);
      const status = response.status;
      if (status >= 200 && status < 300) return { ok: true, statusCode: status, latencyMs, error: null, responseExcerpt: answer };
      if (status === 410) {
        return { ok: false, gone: true, statusCode: status, latencyMs, error: 'the receiver answered 410 Gone: the subscription is disabled', responseExcerpt: answer };
      }
      const error =
        status >= 300 && status < 400
          ? `the receiver answered ${status} (redirect${response.location ? ` to ${response.location}` : ''}); redirects are not followed`
          : `the receiver answered ${status}`;
      return { ok: false, statusCode: status, latencyMs, error, responseExcerpt: answer };
    } catch (error) {
      return { ok: false, statusCode: null, latencyMs: latency(), error: this.explain(error), responseExcerpt: null };
    }
  }

  private post(url: URL, headers: Record<string, string>, body: string): Promise<{ status: number; location?: string; body: string }> {
    const client = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const request = client.request(
        url,
        {
          method: 'POST',
          headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
          lookup: this.lookup,
          signal: AbortSignal.timeout(this.options.timeoutMs),
        },
        (response) => {
          const chunks: Buffer[] = [];
          let received = 0;
          const finish = () => {
            resolve({
              status: response.statusCode ?? 0,
              location: response.headers.location,
              body: Buffer.concat(chunks).toString('utf8'),
            });
          };
          response.on('data', (chunk: Buffer) => {
            if (received >= MAX_RESPONSE_BYTES) return;
            chunks.push(chunk.subarray(0, MAX_RESPONSE_BYTES - received));
            received += chunk.length;
            if (received >= MAX_RESPONSE_BYTES) {
              // Enough of it: a receiver cannot keep the worker busy with an endless answer.
              response.destroy();
              finish();
            }
          });
          response.on('end', finish);
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  }

  private explain(error: unknown): string {
    const name = (error as { name?: string })?.name;
    if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${this.options.timeoutMs} ms`;
    const code = (error as { code?: string })?.code;
    if (error instanceof OutboundAddressRefused) return error.message;
    if (code === 'ECONNREFUSED') return 'connection refused';
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host does not resolve';
    if (code === 'ECONNRESET') return 'the connection was reset';
    return describeError(error);
  }
}
