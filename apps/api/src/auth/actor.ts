export const ROLES = ['admin', 'manager', 'team', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/** The caller, as its API key says: who, with what role, and (for teams) which projects. */
export interface Actor {
  keyId: string;
  name: string;
  role: Role;
  /** Projects a team key is scoped to; empty for every other role. */
  projectIds: string[];
}

/** The role with its article, to begin a sentence: "An auditor", "A manager". */
export function aRole(role: Role): string {
  return `${/^[aeiou]/.test(role) ? 'An' : 'A'} ${role}`;
}
