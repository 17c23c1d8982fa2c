// The portal's flag client against a real unleash-server on a fresh local PostgreSQL database:
// the flag starts off, a workspace constraint turns it on for demo only, widening the constraint
// reaches acme, switching it off reaches the client; a refused token fails start-up at once; and an
// offline client in the same process keeps its own answers throughout. Run with `npm run test:unleash`.
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { createUnleashFlags } from '../../src/core/flags/unleash-flags.ts';
import type { FeatureFlags, FlagContext } from '../../src/core/ports/services.ts';
import { startUnleashServer, type UnleashTestServer } from '../support/unleash-server.ts';

const FLAG = 'customer_portal_enabled';
const REPO_FLAGS = fileURLToPath(new URL('../../flags.json', import.meta.url));
const demo: FlagContext = { workspaceId: '1', workspaceSlug: 'demo' };
const acme: FlagContext = { workspaceId: '2', workspaceSlug: 'acme' };
const ARRIVAL_LIMIT_MS = 5000;

/** Polls until the flag reads `expected` for the workspace; returns how long that took. */
async function waitForFlag(flags: FeatureFlags, context: FlagContext, expected: boolean): Promise<number> {
  const started = performance.now();
  while (flags.isEnabled(FLAG, context) !== expected) {
    if (performance.now() - started > ARRIVAL_LIMIT_MS) {
      throw new Error(`${FLAG} did not become ${expected} for ${context.workspaceSlug} within ${ARRIVAL_LIMIT_MS} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return performance.now() - started;
}

describe('feature flags against a real unleash-server', () => {
  let server: UnleashTestServer;
  let online: FeatureFlags;
  let offline: FeatureFlags;

  before(async () => {
    server = await startUnleashServer();
    console.log(
      `      unleash-server ${server.version}: package loaded in ${server.timings.importMs.toFixed(0)} ms, ` +
        `migrated and listening in ${server.timings.startMs.toFixed(0)} ms`,
    );
    await server.createFlag(FLAG);

    const started = performance.now();
    online = await createUnleashFlags({
      url: server.url,
      apiToken: server.clientToken,
      refreshIntervalMs: 200,
      appName: 'portal-integration-test',
    });
    console.log(`      online client synchronized in ${(performance.now() - started).toFixed(0)} ms`);
    offline = await createUnleashFlags({ bootstrapFile: REPO_FLAGS });
  });

  after(async () => {
    await online?.close();
    await offline?.close();
    await server?.stop();
  });

  it('sees a new flag as off', () => {
    expect(online.isEnabled(FLAG, demo)).to.equal(false);
    expect(online.isEnabled(FLAG, acme)).to.equal(false);
  });

  it('turns on for the demo workspace only when a constraint is added and the flag enabled', async () => {
    await server.setWorkspaceConstraint(FLAG, ['demo']);
    await server.enable(FLAG);
    const ms = await waitForFlag(online, demo, true);
    console.log(`      "on for demo" arrived in ${ms.toFixed(0)} ms`);
    expect(online.isEnabled(FLAG, acme)).to.equal(false);
    expect(online.isEnabled(FLAG, { workspaceId: '3', workspaceSlug: 'unknown' })).to.equal(false);
  });

  it('follows a widened constraint to acme', async () => {
    await server.setWorkspaceConstraint(FLAG, ['demo', 'acme']);
    const ms = await waitForFlag(online, acme, true);
    console.log(`      "on for acme" arrived in ${ms.toFixed(0)} ms`);
    expect(online.isEnabled(FLAG, demo)).to.equal(true);
  });

  it('turns off again everywhere', async () => {
    await server.disable(FLAG);
    const ms = await waitForFlag(online, demo, false);
    console.log(`      "off" arrived in ${ms.toFixed(0)} ms`);
    expect(online.isEnabled(FLAG, acme)).to.equal(false);
  });

  it('leaves an offline client in the same process untouched', () => {
    expect(offline.isEnabled(FLAG, demo)).to.equal(true);
    expect(offline.isEnabled(FLAG, acme)).to.equal(false);
  });

  it('fails start-up at once when the server refuses the token', async () => {
    const err = await createUnleashFlags({ url: server.url, apiToken: 'default:development.not-a-token', onError: () => {} }).then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).to.contain(`Unleash server at ${server.url} refused the API token`);
  });
});
