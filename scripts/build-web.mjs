#!/usr/bin/env node
// Builds the web dashboard into dist/web: typechecks it (Vite does not), bundles it with Vite, then writes
// .gz and .br siblings of every text asset so the server can send them precompressed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const out = 'dist/web';
const require = createRequire(import.meta.url);

const tsc = spawnSync(
  process.execPath,
  [require.resolve('typescript/bin/tsc'), '--noEmit', '-p', 'web/tsconfig.json'],
  {
    stdio: 'inherit',
  },
);
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

// Vite writes into a private folder that is swapped in whole: two builds at once (several people share a
// checkout) each finish with a complete app, and dist/web/src (the root build's state modules) stays.
const stage = resolve('dist', `.web-build-${process.pid}`);
rmSync(stage, { recursive: true, force: true });
const { build } = await import('vite');
await build({ configFile: 'web/vite.config.ts', logLevel: 'warn', build: { outDir: stage, emptyOutDir: true } });

const compressible = /\.(js|css|html|svg|json|txt)$/;
for (const file of listFiles(stage)) {
  if (!compressible.test(file)) continue;
  const body = readFileSync(file);
  writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
  writeFileSync(
    `${file}.br`,
    brotliCompressSync(body, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
    }),
  );
}

mkdirSync(out, { recursive: true });
const old = join('dist', `.web-old-${process.pid}`);
rmSync(old, { recursive: true, force: true });
if (existsSync(join(out, 'assets'))) renameSync(join(out, 'assets'), old);
renameSync(join(stage, 'assets'), join(out, 'assets'));
for (const name of readdirSync(stage)) {
  rmSync(join(out, name), { recursive: true, force: true });
  renameSync(join(stage, name), join(out, name));
}
rmSync(stage, { recursive: true, force: true });
rmSync(old, { recursive: true, force: true });

function listFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}
