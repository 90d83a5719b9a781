import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { APP_CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from './security-headers.js';
import { acceptedEncodings, etagOf } from './served-payload.js';

/** Where `npm run build` puts the web app, beside the compiled server (dist/src/server -> dist/web). */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../web/', import.meta.url));

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
};

/** Content-hashed names never change content: a browser keeps them a year without asking again. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html names the current hashes, so it is checked on every load (a 304 when unchanged). */
const REVALIDATE = 'no-cache';

interface Asset {
  type: string;
  cacheControl: string;
  etag: string;
  identity: Buffer;
  gzip: Buffer | null;
  br: Buffer | null;
}

export interface StaticApp {
  /** Answers a GET or HEAD of the app's files; any other path gets index.html (the app routes it). */
  serve(req: IncomingMessage, res: ServerResponse, pathname: string): void;
}

/**
 * The built web app held in memory (a few hundred KB): each file with its ETag and the .br/.gz forms the
 * build wrote beside it, chosen by Accept-Encoding. Null when the app is not built.
 */
export function loadStaticApp(dir: string = DEFAULT_WEB_DIR): StaticApp | null {
  if (!existsSync(join(dir, 'index.html'))) return null;
  const assets = new Map<string, Asset>();
  for (const file of listFiles(dir)) {
    const rel = relative(dir, file).split(sep).join('/');
    const type = CONTENT_TYPES[extname(file)];
    // Only what the bundler wrote for the browser: no compiled sources, source maps, or build state such as
    // .vite/manifest.json.
    if (type === undefined || rel.startsWith('src/') || rel.split('/').some((part) => part.startsWith('.'))) continue;
    const identity = readFileSync(file);
    assets.set(`/${rel}`, {
      type,
      cacheControl: rel.startsWith('assets/') ? IMMUTABLE : REVALIDATE,
      etag: etagOf(identity),
      identity,
      gzip: readIfExists(`${file}.gz`),
      br: readIfExists(`${file}.br`),
    });
  }
  const index = assets.get('/index.html')!;
  return {
    serve(req, res, pathname) {
      // A missing hashed asset is a 404 (an old page asking for a file this build does not have), not the app.
      const asset = assets.get(pathname) ?? (pathname.startsWith('/assets/') ? null : index);
      if (asset === null) {
        res.writeHead(404, {
          ...SECURITY_HEADERS,
          'content-type': 'text/plain; charset=utf-8',
          'cache-control': 'no-store',
        });
        res.end(`no file ${pathname} in this build of the dashboard; reload the page`);
        return;
      }
      const headers: Record<string, string | number> = {
        ...SECURITY_HEADERS,
        'content-type': asset.type,
        'cache-control': asset.cacheControl,
        etag: asset.etag,
        vary: 'accept-encoding',
        'content-security-policy': APP_CONTENT_SECURITY_POLICY,
      };
      if (req.headers['if-none-match'] === asset.etag) {
        res.writeHead(304, headers);
        res.end();
        return;
      }
      const accepted = acceptedEncodings(req.headers['accept-encoding']);
      let body = asset.identity;
      if (asset.br && accepted.has('br')) {
        body = asset.br;
        headers['content-encoding'] = 'br';
      } else if (asset.gzip && accepted.has('gzip')) {
        body = asset.gzip;
        headers['content-encoding'] = 'gzip';
      }
      headers['content-length'] = body.length;
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
    },
  };
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

function readIfExists(path: string): Buffer | null {
  return existsSync(path) ? readFileSync(path) : null;
}
