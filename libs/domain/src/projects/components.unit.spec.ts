import { describe, it } from '@jest/globals';

import { DuplicateId, ProjectIsFinal } from './project.errors.js';
import { given } from './testing/given-when-then.js';
import {
  FINAL_STATUSES,
  OPEN_STATUSES,
  PROJECT_ID,
  cattleComponentAdded,
  historyIn,
  historyWithContentIn,
} from './testing/project.fixtures.js';

describe('AddComponent', () => {
  it.each(OPEN_STATUSES)('adds a component to a %s project', (status) => {
    given(...historyIn[status])
      .when({
        type: 'AddComponent',
        data: {
          componentId: 'cmp-weaving',
          name: 'Weaving group',
          kind: 'industry',
          description: 'Looms and training for 30 weavers.',
        },
      })
      .then({
        type: 'ComponentAdded',
        data: {
          projectId: PROJECT_ID,
          componentId: 'cmp-weaving',
          name: 'Weaving group',
          kind: 'industry',
          description: 'Looms and training for 30 weavers.',
        },
      });
  });

  it('leaves out a description that is not given', () => {
    given(...historyIn.proposed)
      .when({
        type: 'AddComponent',
        data: { componentId: 'cmp-cattle', name: 'Cattle raising group', kind: 'industry', description: undefined },
      })
      .then(cattleComponentAdded);
  });

  it('refuses a component id already used in the project', () => {
    given(...historyIn.proposed, cattleComponentAdded)
      .when({ type: 'AddComponent', data: { componentId: 'cmp-cattle', name: 'Other', kind: 'infrastructure' } })
      .thenThrows(DuplicateId, 'COMPONENT.ALREADY_EXISTS');
  });

  it('takes an id that names an Object property as any other id', () => {
    given(...historyIn.proposed)
      .when({ type: 'AddComponent', data: { componentId: 'constructor', name: 'Road', kind: 'infrastructure' } })
      .then({
        type: 'ComponentAdded',
        data: { projectId: PROJECT_ID, componentId: 'constructor', name: 'Road', kind: 'infrastructure' },
      });
  });

  it.each(FINAL_STATUSES)('refuses a component on a %s project', (status) => {
    given(...historyWithContentIn(status))
      .when({ type: 'AddComponent', data: { componentId: 'cmp-school', name: 'School', kind: 'public_services' } })
      .thenThrows(ProjectIsFinal, 'PROJECT.FINAL');
  });
});
