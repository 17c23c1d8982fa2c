// The first step of `npm test`: the browser tests run last, after some twenty minutes of the
// PostgreSQL pass, so a machine without Chromium hears it now, not then.
import { CHROMIUM_INSTALL_HINT, findChromium } from '../test/support/chromium-path.ts';

const chromium = findChromium();
if (!chromium) {
  const where = process.env.CHROMIUM_PATH ? `CHROMIUM_PATH=${process.env.CHROMIUM_PATH} does not exist` : 'no Chromium in /usr/bin';
  console.error(`The browser tests need Chromium and ${where}: ${CHROMIUM_INSTALL_HINT}. Nothing was run.`);
  process.exit(1);
}
console.log(`Browser tests will run ${chromium}.`);
