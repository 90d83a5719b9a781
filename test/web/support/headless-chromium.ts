import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's chromium; the tests never download a browser. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Why browser tests cannot run here, or null when they can. Under CI=true a missing browser is a failure,
 * never a skip.
 */
export function chromiumSkipReason(): string | null {
  if (existsSync(CHROMIUM)) return null;
  const reason = `${CHROMIUM} is absent (apt-get install -y chromium)`;
  if (process.env.CI === 'true') throw new Error(`browser tests must run under CI=true, but ${reason}`);
  return reason;
}

export interface Headless {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A headless chromium with a fresh profile that is deleted on close. */
export async function launchChromium(viewport = { width: 1440, height: 900 }): Promise<Headless> {
  const profile = mkdtempSync(join(tmpdir(), 'md-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    acceptDownloads: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** True when the canvas matched by `selector` holds more than one colour (something was drawn on it). */
export const canvasDrawnScript = (selector: string) => `(() => {
  const canvases = [...document.querySelectorAll(${JSON.stringify(selector)})];
  return canvases.some((c) => {
    if (!c.width || !c.height) return false;
    const ctx = c.getContext('2d');
    if (!ctx) return false;
    const { data } = ctx.getImageData(0, 0, c.width, c.height);
    const first = data[0] + ',' + data[1] + ',' + data[2];
    for (let i = 0; i < data.length; i += 4 * 97) {
      if (data[i] + ',' + data[i + 1] + ',' + data[i + 2] !== first) return true;
    }
    return false;
  });
})()`;

/**
 * True when the canvas matched by `selector` has a pixel of about the colour `hex` (a series drawn in it),
 * apart from the greys of its background, grid and labels.
 */
export const canvasShowsColourScript = (selector: string, hex: string) => `(() => {
  const want = ${JSON.stringify(hex)}.match(/[0-9a-f]{2}/gi).map((h) => parseInt(h, 16));
  return [...document.querySelectorAll(${JSON.stringify(selector)})].some((c) => {
    const ctx = c.width && c.height ? c.getContext('2d') : null;
    if (!ctx) return false;
    const { data } = ctx.getImageData(0, 0, c.width, c.height);
    for (let i = 0; i < data.length; i += 4) {
      if (Math.abs(data[i] - want[0]) + Math.abs(data[i + 1] - want[1]) + Math.abs(data[i + 2] - want[2]) < 60) return true;
    }
    return false;
  });
})()`;

/**
 * Waits until a script evaluates truthy. Playwright's waitForFunction compiles its predicate inside the
 * page, which the dashboard's CSP (no 'unsafe-eval') refuses; an evaluation from outside is allowed.
 */
export async function waitForScript(page: Page, script: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate(script))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${script.slice(0, 120)}`);
    await page.waitForTimeout(50);
  }
}
