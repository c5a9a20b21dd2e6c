import type { SeedSector } from '../dac-sectors.js';
import { recordSeed, type SeedProject } from '../seed-project.js';

/**
 * The East Asia poverty reduction demonstration sites in Cambodia and Myanmar, recorded from
 * seed-docs/004_ce5a96a2e1a446d7.txt. The document gives one paragraph for them: China proposed the
 * demonstration sites in 2014, then chose Laos, Cambodia and Myanmar and sent expert groups to carry out
 * infrastructure construction, community public services, industrial development and village
 * capacity-building. It names no village, organisation, figure or date after 2014, so each site is four
 * components and a lifecycle whose undated steps carry the source's reporting date.
 */

const SOURCE = 'seed-docs/004_ce5a96a2e1a446d7.txt';

/** "In 2014, at the 17th ... Leaders' Meeting, China proposed ...": the source gives the year only. */
const PROPOSED = '2014-01-01';
/** The reporting date used for every undated report of seed-doc 004 (as in the Bansuo seed). */
const REPORTED = '2019-12-31';
const UNDATED = 'the source gives no date for this (2019-12-31 is used as the reporting date of every undated report in seed-doc 004)';

const PASSAGE =
  '"In 2014, at the 17th ASEAN and China, Japan and South Korea (10+3) Leaders\' Meeting, China proposed to implement ' +
  'the \'East Asia Poverty Reduction Cooperation Initiative\', carry out the rural poverty reduction promotion plan, and ' +
  'establish East Asia poverty reduction cooperation demonstration sites. Subsequently, China chose to carry out ' +
  'technical assistance projects for poverty reduction demonstration in East Asia in three countries, Laos, Cambodia ' +
  'and Myanmar, and sent expert groups to carry out infrastructure construction, community public services, industrial ' +
  'development, village capacity-building and other activities to provide demonstrations for poverty reduction in these ' +
  'countries" (seed-doc 004).';

const COMPONENTS = [
  { key: 'infrastructure', name: 'Infrastructure construction', kind: 'infrastructure' },
  { key: 'public-services', name: 'Community public services', kind: 'public_services' },
  { key: 'industry', name: 'Industrial development', kind: 'industry' },
  { key: 'capacity-building', name: 'Village capacity-building', kind: 'capacity_building' },
] as const;

interface Site {
  code: string;
  country: 'KH' | 'MM';
  name: string;
}

const CAMBODIA: Site = { code: 'CN-KH-EAPR-DEMO', country: 'KH', name: 'Cambodia' };
const MYANMAR: Site = { code: 'CN-MM-EAPR-DEMO', country: 'MM', name: 'Myanmar' };

function buildSite(site: Site): SeedProject {
  const seed = recordSeed(site.code);
  const description = [
    `China's technical assistance project for poverty reduction demonstration in East Asia: the demonstration site in`,
    `${site.name}, one of the three countries (Laos, Cambodia and Myanmar) China chose after proposing the East Asia`,
    'Poverty Reduction Cooperation Initiative and its demonstration sites in 2014 (year only) at the 17th ASEAN Plus',
    `Three (10+3) Leaders' Meeting. Source: ${SOURCE} (seed-doc 004, YCPress, "China's targeted poverty alleviation`,
    'experience helps Southeast Asian countries reduce poverty"; undated). The source says that China sent expert',
    'groups to carry out infrastructure construction, community public services, industrial development, village',
    `capacity-building and other activities there. It names no village, province, organisation, budget, planned date`,
    `or result for ${site.name}, and dates nothing after 2014: the choice of the site and the start of the work are`,
    'recorded at 2019-12-31, the reporting date used for every undated report of seed-doc 004. The Laos sites are',
    'CN-LA-BANSUO and CN-LA-XIANGLONG.',
  ].join(' ');

  seed.on(PROPOSED, {
    type: 'ProposeProject',
    data: {
      projectId: seed.id('project'),
      code: site.code,
      title: `East Asia Poverty Reduction Demonstration Cooperation Technical Assistance: ${site.name}`,
      description,
      country: site.country,
      location: {},
      // Rural development (multisector): the source's four activities together, under the rural poverty
      // reduction promotion plan.
      sector: '43040' satisfies SeedSector,
      participatingOrganisations: [{ name: 'Chinese expert group sent by China', role: 4 }],
    },
  });
  seed.on(REPORTED, {
    type: 'ApproveProject',
    data: {
      date: REPORTED,
      reason: `China chose ${site.name} for a demonstration site "subsequently" to 2014; ${UNDATED}.`,
    },
  });
  seed.on(REPORTED, {
    type: 'StartProject',
    data: { date: REPORTED, reason: `China sent expert groups to carry out the activities; ${UNDATED}. ${PASSAGE}` },
  });
  for (const component of COMPONENTS) {
    seed.on(REPORTED, {
      type: 'AddComponent',
      data: {
        componentId: seed.id('component', component.key),
        name: component.name,
        kind: component.kind,
        description: `One of the activities the Chinese expert groups were sent to carry out (seed-doc 004); the source gives no detail for ${site.name}.`,
      },
    });
  }
  return seed.done(SOURCE);
}

/** The Cambodia site's seed, built afresh: the same value every time it is built. */
export function buildCambodiaSite(): SeedProject {
  return buildSite(CAMBODIA);
}

/** The Myanmar site's seed, built afresh: the same value every time it is built. */
export function buildMyanmarSite(): SeedProject {
  return buildSite(MYANMAR);
}

export const cambodiaSite: SeedProject = buildCambodiaSite();
export const myanmarSite: SeedProject = buildMyanmarSite();
