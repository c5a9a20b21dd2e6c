/**
 * The OECD DAC 5-digit purpose codes the seeds use, with their names in the DAC/CRS list (as IATI's
 * Sector codelist replicates it), so a reader can check each choice against the list. A seed may use no
 * other code: seed-data.unit.spec.ts holds every seed to this list.
 */
export const SEED_SECTORS = {
  '11430': 'Advanced technical and managerial training',
  '15110': 'Public sector policy and administrative management',
  '15150': 'Democratic participation and civil society',
  '16010': 'Social Protection',
  '41081': 'Environmental education/training',
  '43010': 'Multisector aid',
  '43040': 'Rural development',
  '43082': 'Research/scientific institutions',
} as const;

export type SeedSector = keyof typeof SEED_SECTORS;
