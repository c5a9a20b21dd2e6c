export * from './projects/project.values.js';
export * from './projects/project.events.js';
export * from './projects/project.commands.js';
export * from './projects/project.errors.js';
export * from './projects/project.state.js';
export * from './projects/project.evolve.js';
export * from './projects/project.decider.js';
export * from './projects/project.diff.js';
