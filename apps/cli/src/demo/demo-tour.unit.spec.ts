import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from '@jest/globals';

import { formatDemoKeys, readDemoKeys, type DemoKeys } from './demo-keys.js';
import { renderTour, tourSteps, tourVariables, type TourContext } from './demo-tour.js';

const keys: DemoKeys = {
  manager: { id: '11111111-1111-4111-8111-111111111111', secret: 'ptk_manager_secret_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' },
  team: {
    id: '22222222-2222-4222-8222-222222222222',
    secret: 'ptk_team_secret_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
    projectId: '6638261c-0faf-5019-9b56-d60f13e279fe',
  },
  auditor: { id: '33333333-3333-4333-8333-333333333333', secret: 'ptk_auditor_secret_cccccccccccccccccccccccccccccccc' },
};

function context(overrides: Partial<TourContext> = {}): TourContext {
  return {
    baseUrl: 'http://localhost:3000',
    keys,
    created: ['team'],
    keysFile: '.run/demo-keys.env',
    bansuo: { id: keys.team.projectId, code: 'CN-LA-BANSUO', title: 'Bansuo village' },
    cattleIndicatorId: '44444444-4444-5444-8444-444444444444',
    dueDate: '2027-01-24',
    projectCount: 15,
    ...overrides,
  };
}

const directory = mkdtempSync(join(tmpdir(), 'demo-keys-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('the guided tour', () => {
  it('has steps for each role: a team recording, a manager reading and subscribing, an auditor verifying and exporting', () => {
    const steps = tourSteps(context());
    const paths = (role: string) =>
      steps.filter((step) => step.role === role).map((step) => /"\$API(\/[^"?]*)/.exec(step.command)?.[1]);
    expect(paths('team')).toEqual([
      '/projects/$BANSUO/milestones',
      '/projects/$BANSUO/milestones/$MILESTONE/reach',
      '/projects/$BANSUO/indicators/$CATTLE/measurements',
      '/projects/$BANSUO/close',
    ]);
    expect(paths('manager')).toEqual(['/projects', '/projects/$BANSUO', '/subscriptions', '/notifications']);
    expect(paths('auditor')).toEqual([
      '/projects/$BANSUO/events',
      '/projects/$BANSUO/audit',
      '/projects/$BANSUO/iati',
      '/projects/$BANSUO/indicators/$CATTLE/measurements',
    ]);
    for (const step of steps) expect(step.command).toContain(`Bearer $DEMO_${step.role.toUpperCase()}_KEY`);
    expect(steps.filter((step) => step.expect === 'forbidden').map((step) => step.role)).toEqual(['team', 'auditor']);
  });

  it('uses in its commands only the variables it exports first (and the milestone id its first step keeps)', () => {
    const exported = new Set([...tourVariables(context()).map(([name]) => name), 'MILESTONE']);
    for (const step of tourSteps(context())) {
      const used = [...step.command.matchAll(/\$([A-Z_]+)/g)].map((match) => match[1]);
      expect(used.filter((name) => !exported.has(name!))).toEqual([]);
      expect(step.command).not.toContain('\n');
    }
    expect(tourVariables(context())).toEqual([
      ['API', 'http://localhost:3000'],
      ['BANSUO', keys.team.projectId],
      ['CATTLE', '44444444-4444-5444-8444-444444444444'],
      ['DEMO_TEAM_KEY', keys.team.secret],
      ['DEMO_MANAGER_KEY', keys.manager.secret],
      ['DEMO_AUDITOR_KEY', keys.auditor.secret],
    ]);
  });

  it('prints every command verbatim, the keys it uses and where they came from', () => {
    const text = renderTour(context());
    for (const step of tourSteps(context())) expect(text).toContain(`\n  ${step.command}\n`);
    expect(text).toContain(`export DEMO_TEAM_KEY=${keys.team.secret}`);
    expect(text).toContain(`team     ${keys.team.secret}  scoped to CN-LA-BANSUO (created now)`);
    expect(text).toContain(`manager  ${keys.manager.secret}  (reused from .run/demo-keys.env)`);
    expect(text).toContain('"dueDate":"2027-01-24"');
    expect(text).toContain('15 projects of the source documents are seeded');
  });
});

describe('the demo keys file', () => {
  it('reads back what it wrote', () => {
    const file = join(directory, 'round-trip.env');
    writeFileSync(file, formatDemoKeys(keys, 'http://localhost:3000', file));
    expect(readDemoKeys(file)).toEqual(keys);
  });

  it('keeps only complete keys, and nothing of a missing file', () => {
    const file = join(directory, 'partial.env');
    writeFileSync(file, `DEMO_MANAGER_KEY=${keys.manager.secret}\nDEMO_TEAM_KEY=x\nDEMO_TEAM_KEY_ID=y\nDEMO_AUDITOR_KEY_ID=z\n`);
    expect(readDemoKeys(file)).toEqual({});
    expect(readDemoKeys(join(directory, 'missing.env'))).toEqual({});
  });
});
