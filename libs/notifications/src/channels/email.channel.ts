import { performance } from 'node:perf_hooks';
import nodemailer from 'nodemailer';
import type { StoredNotification } from '../notification.js';
import type { UnsubscribeLinks } from '../subscriptions/unsubscribe-links.js';
import { renderEmail } from './email-message.js';
import { describeError, excerpt, type DeliveryOutcome, type DeliveryTarget, type NotificationChannel } from './notification-channel.js';

export interface EmailChannelOptions {
  smtpUrl: string;
  from: string;
  /** Bound of each SMTP stage (connect, greeting, each command). */
  timeoutMs: number;
  /** Where people reach the deployment, for links to the dashboard (none without it). */
  publicUrl?: string;
  /** Each message's one-click unsubscribe link (RFC 8058); none unless they make one (`publicUrl` set). */
  unsubscribeLinks?: UnsubscribeLinks;
}

/**
 * E-mail over SMTP: a plain-text and HTML message per notification. The Message-ID is derived from the
 * notification and the subscription, the same on every retry, so a mail system can drop a repeat.
 */
export class EmailChannel implements NotificationChannel {
  private readonly transport;

  constructor(private readonly options: EmailChannelOptions) {
    this.transport = nodemailer.createTransport({
      url: options.smtpUrl,
      pool: true,
      maxConnections: 4,
      connectionTimeout: options.timeoutMs,
      greetingTimeout: options.timeoutMs,
      socketTimeout: options.timeoutMs,
    });
  }

  async send(notification: StoredNotification, target: DeliveryTarget): Promise<DeliveryOutcome> {
    if (!target.target) throw new Error(`Subscription ${target.subscriptionId} has no e-mail address`);
    const unsubscribeUrl = this.options.unsubscribeLinks?.urlFor(target.subscriptionId);
    const message = renderEmail(notification, target.subscriptionId, this.options.publicUrl, unsubscribeUrl);
    const started = performance.now();
    try {
      const info = await this.transport.sendMail({
        from: this.options.from,
        to: target.target,
        subject: message.subject,
        text: message.text,
        html: message.html,
        messageId: `<${notification.id}.${target.subscriptionId}@project-tracker.notifications>`,
        headers: {
          'X-Project-Tracker-Notification': notification.id,
          'X-Project-Tracker-Type': notification.type,
          'Auto-Submitted': 'auto-generated',
          // A mail client's own "Unsubscribe" button, and one POST that stops the subscription (RFC 8058).
          ...(unsubscribeUrl ? { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {}),
        },
      });
      return {
        ok: true,
        statusCode: smtpCode(info.response),
        latencyMs: Math.round(performance.now() - started),
        error: null,
        responseExcerpt: excerpt(String(info.response ?? '')),
      };
    } catch (error) {
      const responseCode = (error as { responseCode?: number }).responseCode ?? null;
      return {
        ok: false,
        statusCode: responseCode,
        latencyMs: Math.round(performance.now() - started),
        error: describeError(error),
        responseExcerpt: excerpt(String((error as { response?: string }).response ?? '')),
        // 5xx is the mail server saying no for good (an unknown mailbox); 4xx and network trouble pass.
        permanent: responseCode !== null && responseCode >= 500,
      };
    }
  }

  close(): void {
    this.transport.close();
  }
}

function smtpCode(response: unknown): number | null {
  const match = /^(\d{3})/.exec(String(response ?? ''));
  return match ? Number(match[1]) : null;
}
