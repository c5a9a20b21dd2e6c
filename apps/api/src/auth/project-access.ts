import { ForbiddenException } from '@nestjs/common';
import type { ProjectCommandType } from '@app/domain';
import type { Actor } from './actor.js';

/** Commands only admins and managers may run (design brief, Roles). */
const MANAGER_COMMANDS: ReadonlySet<ProjectCommandType> = new Set([
  'ProposeProject',
  'ApproveProject',
  'CloseProject',
  'CancelProject',
]);

/** Refuses a command the actor's role or project scope does not allow. */
export function assertMayRun(actor: Actor, commandType: ProjectCommandType, projectId: string): void {
  switch (actor.role) {
    case 'admin':
    case 'manager':
      return;
    case 'auditor':
      throw new ForbiddenException('An auditor key reads; it records nothing.');
    case 'team':
      if (MANAGER_COMMANDS.has(commandType)) {
        throw new ForbiddenException(`A team key may not ${verb(commandType)}; a manager or admin key may.`);
      }
      assertInScope(actor, projectId);
      return;
  }
}

/** Refuses reading a project outside a team key's scope. */
export function assertMayRead(actor: Actor, projectId: string): void {
  if (actor.role === 'team') assertInScope(actor, projectId);
}

function assertInScope(actor: Actor, projectId: string): void {
  // UUIDs in any case name the same project.
  const wanted = projectId.toLowerCase();
  if (!actor.projectIds.some((id) => id.toLowerCase() === wanted)) {
    throw new ForbiddenException(`This team key is not scoped to project ${projectId}.`);
  }
}

function verb(commandType: ProjectCommandType): string {
  return commandType.replace(/Project$/, '').toLowerCase() + (commandType === 'ProposeProject' ? ' a project' : ' projects');
}
