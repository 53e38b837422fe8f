import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`): nothing here ever downloads a browser. */
export const CHROMIUM = '/usr/bin/chromium';

/** Without the background-networking flags Chromium calls Google services, which the tests count as external. */
const FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium is needed at ${CHROMIUM}: run "apt-get install -y chromium" (.ci/run does).`);
  }
  // Playwright gives each launch a fresh temporary --user-data-dir.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}
