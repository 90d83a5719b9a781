import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const api = process.env.MARKETDECK_API ?? 'http://127.0.0.1:8080';

/**
 * The dashboard is built into dist/web, which `marketdeck serve` serves. Every asset name carries a content
 * hash (the server marks /assets/* immutable); nothing is inlined, so the page runs under a CSP without
 * 'unsafe-inline'. Pages are separate chunks: a chart library loads only with the page that draws it.
 */
export default defineConfig({
  root,
  base: '/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    // scripts/build-web.mjs builds into a private folder and swaps it in; dist/web/src holds the root
    // TypeScript build's state modules, which the unit tests import.
    emptyOutDir: false,
    assetsInlineLimit: 0,
    // Which chunks each page loads, for the per-page JavaScript budget (npm run bench -- web).
    manifest: true,
    modulePreload: { polyfill: false },
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: { proxy: { '/api': api, '/healthz': api } },
});
