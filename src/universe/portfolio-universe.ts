import { portfolioSymbols } from '../domain/portfolio.js';
import { type UniverseEntry, UniverseError } from './universe-registry.js';

/**
 * `portfolio:NAME`: every symbol the named portfolio ever held, then the FX pairs (EURUSD=X) its other
 * currencies need, so `fetch --universe portfolio:NAME` brings in everything its figures read.
 */
export const portfolioUniverse: UniverseEntry = {
  name: 'portfolio',
  usage: 'portfolio:NAME',
  description: 'the symbols of a stored portfolio (marketdeck portfolio import), with the FX pairs it needs',
  takesArgument: true,
  async resolve({ store }, argument) {
    const name = argument ?? '';
    const portfolio = await store.portfolios.get(name);
    if (!portfolio) {
      const known = (await store.portfolios.list()).map((p) => p.name);
      throw new UniverseError(
        `no portfolio named "${name}"; ${known.length > 0 ? `stored: ${known.join(', ')}` : 'none is stored yet (marketdeck portfolio import FILE --name N)'}`,
      );
    }
    const { holdings, fx } = portfolioSymbols(portfolio);
    return {
      name: `portfolio:${name}`,
      symbols: [...holdings, ...fx],
      description: `Portfolio ${name} (${holdings.length} holdings${fx.length > 0 ? `, ${fx.length} FX pairs` : ''})`,
    };
  },
};
