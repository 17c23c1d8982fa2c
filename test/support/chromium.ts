// Chromium's headless shell for the browser tests (Debian's chromium-headless-shell, which .ci/run
// installs): the same engine as the Chromium a client runs, without the desktop browser around it.
// It is what Playwright itself runs headless; Debian's full Chromium with --headless cost the
// Chromium stage about 1.8 times the CPU. These flags keep it from reaching for the network, which
// this machine does not have.
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium-headless-shell';

if (!existsSync(CHROMIUM_PATH)) {
  throw new Error(
    `Chromium not found at ${CHROMIUM_PATH}: install it with "apt-get install -y chromium-headless-shell" or set CHROMIUM_PATH.`,
  );
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
