import { describe, expect, it } from '@jest/globals';
import type { StoredNotification } from '../notification.js';
import { cloudEventType } from '../notification-types.js';
import { countryName, renderEmail } from './email-message.js';

const PROJECT_ID = '6638261c-0faf-5019-9b56-d60f13e279fe';
const SUBSCRIPTION_ID = '0b9e7c52-8d4f-4d9b-a7a4-2b7f0c1d2e3f';

const reached: StoredNotification = {
  id: '5f0c3a1e-8a2b-4c1d-9e3f-1a2b3c4d5e6f',
  createdAt: '2026-12-03T10:00:00.000Z',
  type: 'milestone.reached',
  dedupeKey: 'milestone.reached:e-1',
  projectId: PROJECT_ID,
  country: 'LA',
  source: `/projects/${PROJECT_ID}`,
  subject: 'milestones/m-1',
  headline: 'Bansuo village (CN-LA-BANSUO): milestone "Cattle handover" reached',
  time: '2018-06-28T00:00:00.000Z',
  data: {
    project: { id: PROJECT_ID, code: 'CN-LA-BANSUO', title: 'Bansuo village', country: 'LA', status: 'implementation' },
    summary: 'Bansuo village (CN-LA-BANSUO): milestone "Cattle handover" reached on 2018-06-28',
    event: { id: 'e-1', type: 'MilestoneReached', position: 240, streamVersion: 12, recordedAt: '2026-12-03T10:00:00.000Z' },
    milestone: {
      id: 'm-1',
      title: 'Cattle handover',
      dueDate: '2018-06-30',
      reachedOn: '2018-06-28',
      late: false,
      evidence: 'Handover record',
      documentLinks: ['https://docs.example.org/handover.pdf', 'javascript:alert(1)', 'archive box 12'],
    },
  },
};

describe('the e-mail of a notification', () => {
  it('names the country in words, with its code', () => {
    expect(countryName('LA')).toBe('Laos (LA)');
    expect(countryName('CN')).toBe('China (CN)');
    expect(renderEmail(reached, SUBSCRIPTION_ID).text).toContain('Project: Bansuo village (CN-LA-BANSUO), Laos (LA), implementation');
  });

  it('links to the project in the dashboard when the deployment says where it is reached, and not otherwise', () => {
    const link = `https://tracker.example.org/dashboard#project=${PROJECT_ID}`;
    const linked = renderEmail(reached, SUBSCRIPTION_ID, 'https://tracker.example.org');
    expect(linked.text).toContain(`Open: ${link}`);
    expect(linked.html).toContain(`<a href="${link}">${link}</a>`);
    const unlinked = renderEmail(reached, SUBSCRIPTION_ID);
    expect(unlinked.text).not.toContain('Open:');
    expect(unlinked.html).not.toContain('dashboard');
  });

  it('makes web addresses among the documents links, and leaves anything else as text', () => {
    const { html } = renderEmail(reached, SUBSCRIPTION_ID);
    expect(html).toContain('<a href="https://docs.example.org/handover.pdf">https://docs.example.org/handover.pdf</a>, javascript:alert(1), archive box 12');
    expect(html.match(/<a /g)).toHaveLength(1);
  });

  it('says in plain words why it came and how to stop it, with the ids support needs', () => {
    const { text } = renderEmail(reached, SUBSCRIPTION_ID);
    expect(text).toContain(`You receive this e-mail because of the Project Tracker subscription ${SUBSCRIPTION_ID}. Its owner stops it`);
    expect(text).toContain(`DELETE /subscriptions/${SUBSCRIPTION_ID}`);
    expect(text).not.toContain('unsubscribe');
    expect(text).toContain(`Reference for support: notification ${reached.id} (${cloudEventType('milestone.reached')}), 2018-06-28T00:00:00.000Z; event e-1, position 240 of the feed.`);
  });

  it("gives the recipient the subscription's unsubscribe link when there is one, as a link in the HTML part", () => {
    const unsubscribe = `https://tracker.example.org/unsubscribe/${SUBSCRIPTION_ID}?token=abc_-123`;
    const { text, html } = renderEmail(reached, SUBSCRIPTION_ID, 'https://tracker.example.org', unsubscribe);
    expect(text).toContain(`To stop these e-mails, open ${unsubscribe} and confirm; its owner will see that you did.`);
    expect(html).toContain(`To stop these e-mails, open <a href="${unsubscribe}">${unsubscribe}</a> and confirm`);
  });
});
