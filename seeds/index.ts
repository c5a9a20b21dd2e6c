import { bansuo } from './projects/bansuo.seed.js';
import type { SeedProject } from './seed-project.js';

export * from './seed-project.js';
export * from './seed-runner.js';

/** The demonstration projects of the source documents, in the order they are seeded. */
export const SEED_PROJECTS: readonly SeedProject[] = [bansuo];
