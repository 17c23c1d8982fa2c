// Chromium's headless shell for the browser tests (Debian's chromium-headless-shell, which .ci/run
// installs): the same engine as the Chromium a client runs, without the desktop browser around it.
// It is what Playwright itself runs headless; Debian's full Chromium with --headless cost the
// Chromium stage about 1.8 times the CPU. These flags keep it from reaching for the network, which
// this machine does not have.
import { CHROMIUM_INSTALL_HINT, findChromium } from './chromium-path.ts';

const found = findChromium();
if (!found) {
  throw new Error(
    `Chromium not found (${process.env.CHROMIUM_PATH ?? 'no headless shell or Chromium in /usr/bin'}): ${CHROMIUM_INSTALL_HINT}.`,
  );
}
export const CHROMIUM_PATH: string = found;

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
