import type { SeedSector } from '../dac-sectors.js';
import { recordSeed, type SeedProject } from '../seed-project.js';

/**
 * IPRCC's series of studies on poverty reduction, development and international development assistance,
 * carried out with UNDP capacity building project funds and completed in 2009, recorded from
 * seed-docs/003_9fb43bad77d7822c.txt, research project (8). The source gives the year only: the project is
 * recorded as started on 2009-01-01 and its four studies as completed on 2009-12-31, and says so.
 */

const CODE = 'CN-IPRCC-UNDP-STUDIES';
const SOURCE = 'seed-docs/003_9fb43bad77d7822c.txt';

const YEAR_START = '2009-01-01';
const YEAR_END = '2009-12-31';
const YEAR_ONLY =
  'the source says only that the studies were completed in 2009 (year only) and gives no start; the start is recorded on ' +
  '2009-01-01 and the completions on 2009-12-31';

const STUDIES = [
  { key: 'china-africa-models', title: 'Comparative Study on the Poverty Reduction Models of China and Africa' },
  { key: 'poverty-standards', title: 'Research on the Poverty Alleviation Standards of Various Countries in the World' },
  { key: 'financial-crisis', title: 'Research on Financial Crisis and Poverty Reduction' },
  { key: 'theory-overview', title: 'Overview Research on the Progress of the Study on International Poverty Reduction Theory' },
];

const DESCRIPTION = [
  'A series of studies on poverty reduction and development and on international development assistance, carried out by',
  'the International Poverty Reduction Center in China (IPRCC) with the funds of the UNDP capacity building project.',
  'Source: seed-docs/003_9fb43bad77d7822c.txt (seed-doc 003, "Poverty Reduction and Development Experience Sharing",',
  'research project 8). IPRCC completed four studies in 2009 (year only): "Comparative Study on the Poverty Reduction',
  'Models of China and Africa", "Research on the Poverty Alleviation Standards of Various Countries in the World",',
  '"Research on Financial Crisis and Poverty Reduction" and "Overview Research on the Progress of the Study on',
  'International Poverty Reduction Theory". The source gives no start date, no budget and no figures; the start is',
  'recorded on 2009-01-01 and the completions on 2009-12-31, the first and last days of the only year it gives.',
].join(' ');

/** The UNDP-funded studies' seed, built afresh: the same value every time it is built. */
export function buildUndpFundedStudies(): SeedProject {
  const seed = recordSeed(CODE);

  seed.on(YEAR_START, {
    type: 'ProposeProject',
    data: {
      projectId: seed.id('project'),
      code: CODE,
      title: 'IPRCC studies on poverty reduction and international development assistance (UNDP capacity building funds)',
      description: DESCRIPTION,
      country: 'CN',
      location: {},
      // Research/scientific institutions: research by IPRCC under a capacity building project, across sectors.
      sector: '43082' satisfies SeedSector,
      participatingOrganisations: [
        { name: 'United Nations Development Programme (UNDP)', role: 1 },
        { name: 'International Poverty Reduction Center in China (IPRCC)', role: 4 },
      ],
    },
  });
  seed.on(YEAR_START, {
    type: 'ApproveProject',
    data: { date: YEAR_START, reason: `The source gives no approval date; approval is recorded on the start: ${YEAR_ONLY}.` },
  });
  seed.on(YEAR_START, {
    type: 'StartProject',
    data: { date: YEAR_START, reason: `IPRCC "used the UNDP capacity building project funds to carry out a series of studies"; ${YEAR_ONLY}.` },
  });
  for (const study of STUDIES) {
    seed.on(YEAR_START, {
      type: 'PlanMilestone',
      data: {
        milestoneId: seed.id('milestone', study.key),
        title: `"${study.title}" completed`,
        dueDate: YEAR_END,
        description: 'Due date: the end of 2009, the year the source reports it completed; the source gives no planned date.',
      },
    });
  }
  for (const study of STUDIES) {
    seed.on(YEAR_END, {
      type: 'ReachMilestone',
      data: {
        milestoneId: seed.id('milestone', study.key),
        date: YEAR_END,
        evidence: `IPRCC "completed the '${study.title}' ... in 2009" (seed-doc 003); year only, so 2009-12-31 is used.`,
      },
    });
  }
  seed.on(YEAR_END, {
    type: 'FinaliseProject',
    data: { date: YEAR_END, reason: `The four studies were completed in 2009; ${YEAR_ONLY}. The source reports no closure.` },
  });

  return seed.done(SOURCE);
}

export const undpFundedStudies: SeedProject = buildUndpFundedStudies();
