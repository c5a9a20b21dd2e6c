import type { DemoKeys, DemoRole } from './demo-keys.js';

/** Everything the tour's text depends on: it reads no clock and no network of its own. */
export interface TourContext {
  /** As the reader reaches the API, e.g. `http://localhost:3000`. */
  baseUrl: string;
  keys: DemoKeys;
  /** Which keys this run created (the others were reused from `keysFile`). */
  created: DemoRole[];
  keysFile: string;
  bansuo: { id: string; code: string; title: string };
  /** The Bansuo indicator the team records a measurement on. */
  cattleIndicatorId: string;
  /** The due date of the milestone the team plans (`YYYY-MM-DD`, in the future). */
  dueDate: string;
  projectCount: number;
}

/** One copy-paste command of the tour, and what it shows. */
export interface TourStep {
  role: DemoRole;
  /** What the command does, said to the reader. */
  what: string;
  /** One shell line, using only the variables the tour exports first. */
  command: string;
  /** `forbidden`: the command shows a refusal (403), which is the point of the step. */
  expect: 'success' | 'forbidden';
}

const ROLE_VARIABLES: Record<DemoRole, string> = {
  manager: 'DEMO_MANAGER_KEY',
  team: 'DEMO_TEAM_KEY',
  auditor: 'DEMO_AUDITOR_KEY',
};

/** The shell variables every command uses, with their values: exported once, before the commands. */
export function tourVariables(context: TourContext): [string, string][] {
  return [
    ['API', context.baseUrl],
    ['BANSUO', context.bansuo.id],
    ['CATTLE', context.cattleIndicatorId],
    [ROLE_VARIABLES.team, context.keys.team.secret],
    [ROLE_VARIABLES.manager, context.keys.manager.secret],
    [ROLE_VARIABLES.auditor, context.keys.auditor.secret],
  ];
}

export function tourSteps(context: TourContext): TourStep[] {
  const as = (role: DemoRole) => `-H "Authorization: Bearer $${ROLE_VARIABLES[role]}"`;
  const json = "-H 'content-type: application/json'";
  // The answers carry no final newline: -w puts one, so the shell prompt does not follow on the same line.
  const curl = "curl -s -w '\\n'";
  return [
    {
      role: 'manager',
      what: 'List the projects in Laos (filters: country, status)',
      command: `${curl} "$API/projects?country=LA" ${as('manager')}`,
      expect: 'success',
    },
    {
      role: 'manager',
      what: "Read Bansuo's progress: components, milestones (with overdue flags), indicators against their targets",
      command: `${curl} "$API/projects/$BANSUO" ${as('manager')}`,
      expect: 'success',
    },
    {
      role: 'manager',
      what: 'Subscribe to progress notifications in your in-app inbox (a second time answers 409: the inbox has that subscription)',
      command: `${curl} -X POST "$API/subscriptions" ${as('manager')} ${json} -d '{"channel":"inbox"}'`,
      expect: 'success',
    },
    {
      role: 'team',
      what: 'Plan a milestone on Bansuo and keep its id (thanks to the Idempotency-Key, pasting it again answers the first answer)',
      command:
        `MILESTONE=$(curl -s -X POST "$API/projects/$BANSUO/milestones" ${as('team')} ${json} -H 'Idempotency-Key: demo-plan-milestone' ` +
        `-d '{"title":"Cattle pens inspected by the field team (demo)","dueDate":"${context.dueDate}"}' ` +
        `| sed -E 's/.*"milestoneId":"([^"]+)".*/\\1/'); echo "$MILESTONE"`,
      expect: 'success',
    },
    {
      role: 'team',
      what: 'Record that milestone reached, with its evidence (a second time answers 409: it is already reached)',
      command: `${curl} -X POST "$API/projects/$BANSUO/milestones/$MILESTONE/reach" ${as('team')} ${json} -d '{"evidence":"Pens inspected on site by the field team (demo)"}'`,
      expect: 'success',
    },
    {
      role: 'team',
      what: 'Record a measurement of the cattle distributed (an example value, not one from the source documents)',
      command:
        `${curl} -X POST "$API/projects/$BANSUO/indicators/$CATTLE/measurements" ${as('team')} ${json} -H 'Idempotency-Key: demo-measurement' ` +
        `-d '{"value":125,"note":"demo: an example value"}'`,
      expect: 'success',
    },
    {
      role: 'team',
      what: 'A team key may not close a project: 403, and nothing is stored',
      command: `${curl} -X POST "$API/projects/$BANSUO/close" ${as('team')} ${json} -d '{}'`,
      expect: 'forbidden',
    },
    {
      role: 'manager',
      what: 'Read your inbox: the milestone the team just reached is there (and, from now on, overdue milestones, status changes, indicator thresholds)',
      command: `${curl} "$API/notifications" ${as('manager')}`,
      expect: 'success',
    },
    {
      role: 'auditor',
      what: "Read Bansuo's history: every event with who recorded it, when it happened, its hash",
      command: `${curl} "$API/projects/$BANSUO/events?limit=5" ${as('auditor')}`,
      expect: 'success',
    },
    {
      role: 'auditor',
      what: "Verify Bansuo's hash chain: proof that its history was not altered",
      command: `${curl} "$API/projects/$BANSUO/audit" ${as('auditor')}`,
      expect: 'success',
    },
    {
      role: 'auditor',
      what: 'Export Bansuo as an IATI 2.03 activity document',
      command: `${curl} "$API/projects/$BANSUO/iati" ${as('auditor')}`,
      expect: 'success',
    },
    {
      role: 'auditor',
      what: 'An auditor key records nothing: 403',
      command: `${curl} -X POST "$API/projects/$BANSUO/indicators/$CATTLE/measurements" ${as('auditor')} ${json} -d '{"value":1}'`,
      expect: 'forbidden',
    },
  ];
}

/** The tour's parts in order, each a run of one role's steps in tourSteps. */
const SECTIONS: { role: DemoRole; heading: string }[] = [
  { role: 'manager', heading: 'A manager follows the portfolio and subscribes to its progress (manager key)' },
  { role: 'team', heading: 'A project team records progress on Bansuo (team key, scoped to Bansuo)' },
  { role: 'manager', heading: 'The manager hears of it (manager key)' },
  { role: 'auditor', heading: 'An auditor checks the record (auditor key)' },
];

/** tourSteps cut into its runs of one role, each under its SECTIONS heading. */
export function tourSections(steps: readonly TourStep[]): { heading: string; steps: TourStep[] }[] {
  const runs: TourStep[][] = [];
  for (const step of steps) {
    if (runs.at(-1)?.[0]?.role === step.role) runs.at(-1)!.push(step);
    else runs.push([step]);
  }
  if (runs.length !== SECTIONS.length || runs.some((run, index) => run[0]!.role !== SECTIONS[index]!.role)) {
    throw new Error(`The tour's steps run ${runs.map((run) => run[0]!.role).join(', ')}, not as its sections`);
  }
  return runs.map((run, index) => ({ heading: SECTIONS[index]!.heading, steps: run }));
}

/** The guided tour as printed at the end of `npm run demo`. */
export function renderTour(context: TourContext): string {
  const { keys, created } = context;
  const origin = (role: DemoRole) => (created.includes(role) ? 'created now' : `reused from ${context.keysFile}`);
  const steps = tourSteps(context);
  const lines = [
    'Guided tour',
    `  ${context.projectCount} projects of the source documents are seeded with their histories; the richest is`,
    `  ${context.bansuo.title} (${context.bansuo.code}).`,
    '',
    `  API keys for the tour (saved in ${context.keysFile}):`,
    `    manager  ${keys.manager.secret}  (${origin('manager')})`,
    `    team     ${keys.team.secret}  scoped to ${context.bansuo.code} (${origin('team')})`,
    `    auditor  ${keys.auditor.secret}  (${origin('auditor')})`,
    '',
    '  Paste these into a shell first:',
    ...tourVariables(context).map(([name, value]) => `  export ${name}=${value}`),
  ];
  tourSections(steps).forEach(({ heading, steps: inSection }, index) => {
    lines.push('', `${index + 1}. ${heading}`);
    for (const step of inSection) lines.push(`  # ${step.what}`, `  ${step.command}`);
  });
  lines.push(
    '',
    `  Answers are JSON (the IATI export XML); errors are application/problem+json with a code and a detail. OpenAPI: ${context.baseUrl}/docs`,
  );
  return lines.join('\n');
}
