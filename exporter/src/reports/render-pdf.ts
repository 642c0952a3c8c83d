// The HTML report printed to PDF by Chromium (Debian's package), through playwright-core: the same
// content and charts, paginated on A4.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

export class ChromiumMissingError extends Error {
  constructor(path: string) {
    super(`PDF reports need Chromium, and there is none at ${path}: install it (apt-get install chromium) or set reports.chromiumPath / SEXTANT_CHROMIUM to its executable`);
    this.name = 'ChromiumMissingError';
  }
}

/** The Chromium executable: the configured one, else $SEXTANT_CHROMIUM, else Debian's. */
export function chromiumPath(configured: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return configured || env.SEXTANT_CHROMIUM || DEFAULT_CHROMIUM;
}

export async function renderPdf(html: string, executablePath: string): Promise<Buffer> {
  if (!existsSync(executablePath)) throw new ChromiumMissingError(executablePath);
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    // The report loads nothing from the network; refuse any request so a stray URL cannot leak out.
    await page.route('**/*', (route) => (route.request().url().startsWith('data:') ? route.continue() : route.abort()));
    await page.setContent(html, { waitUntil: 'load' });
    return await page.pdf({ format: 'A4', printBackground: true, margin: { top: '12mm', bottom: '12mm', left: '10mm', right: '10mm' } });
  } finally {
    await browser.close();
  }
}
