/**
 * The 11 GICS sectors with some of their industries, weighted roughly like the count of US listings per
 * sector, so sector breadth and screener filters behave as on a real market.
 */
export interface SectorSpec {
  sector: string;
  weight: number;
  industries: readonly string[];
}

export const GICS_SECTORS: readonly SectorSpec[] = [
  { sector: 'Energy', weight: 5, industries: ['Oil, Gas & Consumable Fuels', 'Energy Equipment & Services'] },
  { sector: 'Materials', weight: 5, industries: ['Chemicals', 'Metals & Mining', 'Containers & Packaging'] },
  {
    sector: 'Industrials',
    weight: 14,
    industries: [
      'Aerospace & Defense',
      'Machinery',
      'Ground Transportation',
      'Building Products',
      'Professional Services',
    ],
  },
  {
    sector: 'Consumer Discretionary',
    weight: 11,
    industries: ['Hotels, Restaurants & Leisure', 'Specialty Retail', 'Automobiles', 'Household Durables'],
  },
  { sector: 'Consumer Staples', weight: 6, industries: ['Food Products', 'Beverages', 'Household Products'] },
  {
    sector: 'Health Care',
    weight: 13,
    industries: [
      'Biotechnology',
      'Pharmaceuticals',
      'Health Care Equipment & Supplies',
      'Health Care Providers & Services',
    ],
  },
  { sector: 'Financials', weight: 13, industries: ['Banks', 'Capital Markets', 'Insurance', 'Financial Services'] },
  {
    sector: 'Information Technology',
    weight: 14,
    industries: ['Software', 'Semiconductors & Semiconductor Equipment', 'IT Services', 'Technology Hardware'],
  },
  {
    sector: 'Communication Services',
    weight: 5,
    industries: ['Interactive Media & Services', 'Entertainment', 'Diversified Telecommunication Services'],
  },
  { sector: 'Utilities', weight: 5, industries: ['Electric Utilities', 'Multi-Utilities', 'Water Utilities'] },
  {
    sector: 'Real Estate',
    weight: 6,
    industries: ['Specialized REITs', 'Residential REITs', 'Real Estate Management'],
  },
];
