import type { BenchFigure, BenchSection } from './bench-section.js';

/**
 * A section made of others run one after the other in the same process, so figures an issue asks for
 * "in one run" (import beside sqlite3, kernels beside other libraries and the whole market) land in one
 * table and one JSON file. Each part's figures are prefixed with its name.
 */
export function combineSections(name: string, description: string, parts: readonly BenchSection[]): BenchSection {
  return {
    name,
    description,
    async run(ctx) {
      const figures: BenchFigure[] = [];
      const details: Record<string, unknown> = {};
      for (const part of parts) {
        ctx.log(`-- ${part.name}: ${part.description}`);
        const result = await part.run(ctx);
        figures.push(...result.figures.map((f) => ({ ...f, name: `${part.name}: ${f.name}` })));
        if (result.details) details[part.name] = result.details;
      }
      return { figures, details };
    },
  };
}
