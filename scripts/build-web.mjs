#!/usr/bin/env node
// Builds the web dashboard into dist/web: typechecks it (Vite does not), bundles it with Vite, then writes
// .gz and .br siblings of every text asset so the server can send them precompressed.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
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

// Only Vite's own output is cleared: dist/web/src holds the root build's compiled state modules.
rmSync(join(out, 'assets'), { recursive: true, force: true });
rmSync(join(out, 'index.html'), { force: true });
const { build } = await import('vite');
await build({ configFile: 'web/vite.config.ts', logLevel: 'warn' });

const compressible = /\.(js|css|html|svg|json|txt)$/;
for (const file of listFiles(out)) {
  if (!compressible.test(file) || file.includes(`${out}/src/`)) continue;
  const body = readFileSync(file);
  writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
  writeFileSync(
    `${file}.br`,
    brotliCompressSync(body, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
    }),
  );
}

function listFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}
