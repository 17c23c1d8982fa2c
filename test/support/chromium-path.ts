// Which Chromium the browser tests drive: CHROMIUM_PATH when set, else Debian's headless shell (the
// lighter one, see chromium.ts), else the full Chromium that a desktop machine already has. Kept
// free of side effects so `npm test` can ask before its first pass instead of failing an hour in.
import { existsSync } from 'node:fs';

const CHROMIUM_CANDIDATES = ['/usr/bin/chromium-headless-shell', '/usr/bin/chromium', '/usr/bin/chromium-browser'];

export const CHROMIUM_INSTALL_HINT =
  'install it with "apt-get install -y chromium-headless-shell" (Debian) or point CHROMIUM_PATH at a Chromium';

/** The Chromium to run, or undefined when there is none (or CHROMIUM_PATH names a missing file). */
export function findChromium(env: NodeJS.ProcessEnv = process.env, exists: (path: string) => boolean = existsSync): string | undefined {
  if (env.CHROMIUM_PATH) return exists(env.CHROMIUM_PATH) ? env.CHROMIUM_PATH : undefined;
  return CHROMIUM_CANDIDATES.find(exists);
}
