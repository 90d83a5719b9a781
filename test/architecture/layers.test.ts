import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, it } from 'node:test';

/**
 * The layers of docs/design.md, lowest first: a file may import its own folder and the layers below it,
 * never a layer above nor a sibling of the same rank (sources and store stay independent, and so do the
 * engines). jobs sits above precompute because jobs orchestrate precompute runs. portfolio reads the store
 * like the engines; analyst reads analysis' indicators; report runs the fetch engine, the portfolio and the
 * analysts in one batch, so it sits above all three and below the jobs that run it.
 */
const RANK: Record<string, number> = {
  domain: 0,
  config: 0,
  sources: 1,
  store: 1,
  fetch: 2,
  analysis: 2,
  universe: 2,
  synthetic: 2,
  portfolio: 2,
  precompute: 3,
  analyst: 3,
  report: 4,
  jobs: 5,
  server: 6,
  cli: 7,
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * Relative module specifiers of every import form: `from '...'` (imports and re-exports), side-effect
 * imports (`import '...'`, which load a module as surely as a named import) and dynamic `import('...')`.
 */
const IMPORT = /(?:\bfrom|\bimport\s*\(?)\s*(['"])(\.{1,2}\/[^'"]+)\1/g;

function relativeImports(text: string): string[] {
  return [...text.matchAll(IMPORT)].map((m) => m[2]);
}

describe('layering', () => {
  it('sees named, type, re-export, side-effect and dynamic imports', () => {
    const text = [
      "import { a } from '../a/a.js';",
      "import type { B } from '../b/b.js';",
      "export * from '../c/c.js';",
      "import '../d/d.js';",
      "const e = await import('../e/e.js');",
      'const f = await import ( "../f/f.js" );',
      "import { g } from 'node:fs';",
    ].join('\n');
    assert.deepEqual(relativeImports(text), [
      '../a/a.js',
      '../b/b.js',
      '../c/c.js',
      '../d/d.js',
      '../e/e.js',
      '../f/f.js',
    ]);
  });

  it('no module imports a layer above its own or a sibling layer', () => {
    const violations: string[] = [];
    for (const file of sourceFiles('src')) {
      const layer = relative('src', file).split('/')[0];
      if (!(layer in RANK)) continue;
      for (const specifier of relativeImports(readFileSync(file, 'utf8'))) {
        const target = relative('src', normalize(join(dirname(file), specifier)));
        const targetLayer = target.split('/')[0];
        if (!(targetLayer in RANK) || targetLayer === layer) continue;
        if (RANK[targetLayer] >= RANK[layer])
          violations.push(`${file} imports ${specifier} (${layer} -> ${targetLayer})`);
      }
    }
    assert.deepEqual(violations, []);
  });

  it('lets only the store factory import a store adapter', () => {
    // Everything else sees the Store port, so a new adapter slots in without touching analysis or the CLI.
    const adapters = ['store/sqlite', 'store/postgres'];
    const allowed = new Set([join('src', 'store', 'open-store.ts'), join('src', 'store', 'index.ts')]);
    const violations: string[] = [];
    for (const file of sourceFiles('src')) {
      if (allowed.has(file)) continue;
      const own = adapters.find((a) => relative('src', file).startsWith(`${a}/`));
      for (const specifier of relativeImports(readFileSync(file, 'utf8'))) {
        const target = relative('src', normalize(join(dirname(file), specifier)));
        const adapter = adapters.find((a) => target.startsWith(`${a}/`));
        if (adapter && adapter !== own) violations.push(`${file} imports ${specifier}`);
      }
    }
    assert.deepEqual(violations, []);
  });

  it('keeps the Store port free of the layers that use it', () => {
    // The port speaks in domain types only: a job run or a fetch's bookkeeping is described in domain/, so
    // the store never learns of the jobs, fetches, analyses, pages or commands that keep them.
    const port = join('src', 'store', 'store.ts');
    const outside = relativeImports(readFileSync(port, 'utf8'))
      .map((specifier) => relative('src', normalize(join(dirname(port), specifier))))
      .filter((target) => target.split('/')[0] !== 'domain');
    assert.deepEqual(outside, []);
  });

  it('knows every folder under src', () => {
    const folders = readdirSync('src').filter((n) => statSync(join('src', n)).isDirectory());
    assert.deepEqual(
      folders.filter((f) => !(f in RANK)),
      [],
    );
  });
});
