import { buildBansuo } from './projects/bansuo.seed.js';
import { buildCddComplaintMechanismResearch } from './projects/cdd-complaint-mechanism-research.seed.js';
import { buildCddMechanismStudy } from './projects/cdd-mechanism-study.seed.js';
import { buildChildPovertyStudy } from './projects/child-poverty-study.seed.js';
import { buildChinaDacStudyGroup } from './projects/china-dac-study-group.seed.js';
import { buildCommunityDevelopmentFundResearch } from './projects/community-development-fund-research.seed.js';
import { buildCambodiaSite, buildMyanmarSite } from './projects/east-asia-demonstration-sites.seed.js';
import { buildEastAsiaPilot } from './projects/east-asia-pilot.seed.js';
import { buildFinancialCrisisStudy } from './projects/financial-crisis-study.seed.js';
import { buildGhanaPilot } from './projects/ghana-pilot.seed.js';
import { buildLmcCddResearch } from './projects/lmc-cdd-research.seed.js';
import { buildNgoReconstructionResearch } from './projects/ngo-reconstruction-research.seed.js';
import { buildPovertyReductionInternationalisationResearch } from './projects/poverty-reduction-internationalisation-research.seed.js';
import { buildTanzaniaCooperation } from './projects/tanzania-cooperation.seed.js';
import { buildTrainingCourses2009 } from './projects/training-courses-2009.seed.js';
import { buildUndpFundedStudies } from './projects/undp-funded-studies.seed.js';
import { buildXianglong } from './projects/xianglong.seed.js';
import type { SeedProject } from './seed-project.js';

export * from './seed-project.js';
export * from './seed-runner.js';

/**
 * Builds the demonstration projects of the source documents (seed-docs/), in the order they are seeded.
 * Bansuo comes first: specs that need one whole project take the first.
 */
export function buildSeedProjects(): SeedProject[] {
  return [
    // seed-doc 004: the China-Laos demonstration villages and the other East Asia demonstration sites.
    buildBansuo(),
    buildXianglong(),
    buildCambodiaSite(),
    buildMyanmarSite(),
    // seed-doc 001: the pilot project whose implementers are in Guangxi, Yunnan and Sichuan.
    buildEastAsiaPilot(),
    // seed-doc 000: the CDD research under Lancang-Mekong Cooperation.
    buildLmcCddResearch(),
    // seed-doc 003: research projects (in the source's order, 1 to 9), pilot projects and training courses.
    buildCommunityDevelopmentFundResearch(),
    buildFinancialCrisisStudy(),
    buildChildPovertyStudy(),
    buildCddMechanismStudy(),
    buildNgoReconstructionResearch(),
    buildCddComplaintMechanismResearch(),
    buildChinaDacStudyGroup(),
    buildUndpFundedStudies(),
    buildPovertyReductionInternationalisationResearch(),
    buildGhanaPilot(),
    buildTanzaniaCooperation(),
    ...buildTrainingCourses2009(),
  ];
}

/** The demonstration projects of the source documents, in the order they are seeded. */
export const SEED_PROJECTS: readonly SeedProject[] = buildSeedProjects();
