/** A proposal body for the Bansuo demonstration village, as the API takes it. */
export function bansuoProposal(code = `BANSUO-${Math.random().toString(36).slice(2, 8)}`) {
  return {
    code,
    title: 'China-Laos poverty reduction demonstration: Bansuo village',
    description: 'Demonstration village in Vientiane (seed-doc 004).',
    country: 'LA',
    location: { village: 'Bansuo', province: 'Vientiane' },
    sector: '31163',
    participatingOrganisations: [{ name: 'China International Poverty Reduction Center', role: 1 }],
    plannedStart: '2017-09-01',
  };
}
