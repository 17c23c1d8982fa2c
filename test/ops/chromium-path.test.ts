import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { findChromium } from '../support/chromium-path.ts';

describe('the Chromium the browser tests drive', () => {
  const only =
    (...present: string[]) =>
    (path: string) =>
      present.includes(path);

  it('prefers the headless shell, else takes the full Chromium that is there', () => {
    assert.equal(findChromium({}, only('/usr/bin/chromium-headless-shell', '/usr/bin/chromium')), '/usr/bin/chromium-headless-shell');
    assert.equal(findChromium({}, only('/usr/bin/chromium')), '/usr/bin/chromium');
    assert.equal(findChromium({}, only()), undefined);
  });

  it('takes CHROMIUM_PATH when set, and only if it exists', () => {
    assert.equal(findChromium({ CHROMIUM_PATH: '/opt/c/chrome' }, only('/opt/c/chrome', '/usr/bin/chromium')), '/opt/c/chrome');
    assert.equal(findChromium({ CHROMIUM_PATH: '/opt/c/chrome' }, only('/usr/bin/chromium')), undefined);
  });

  it('npm test says so before its first pass when there is none', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/chromium-preflight.ts'], {
      env: { ...process.env, CHROMIUM_PATH: '/nowhere/chromium' },
      encoding: 'utf8',
    });
    assert.equal(run.status, 1);
    assert.match(
      run.stderr,
      /CHROMIUM_PATH=\/nowhere\/chromium does not exist: install it with "apt-get install -y chromium-headless-shell"/,
    );
    assert.match(run.stderr, /Nothing was run\./);
  });
});
