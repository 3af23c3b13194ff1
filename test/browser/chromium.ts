// Starting headless Chromium for the browser tests (and bench/sections/browser.ts): Debian's
// /usr/bin/chromium (or $CHROMIUM_PATH), driven by playwright-core. Nothing is downloaded; a
// missing browser fails with the fix named.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  try {
    candidates.push(execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim());
  } catch {
    // not on PATH
  }
  const found = candidates.find((p) => p && existsSync(p));
  if (!found) throw new Error("headless Chromium not found: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH");
  return found;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
