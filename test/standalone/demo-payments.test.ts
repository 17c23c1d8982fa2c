// The standalone server serves a real CRM's invoices, so the demo payment provider (which records an
// invoice paid with no money moved) is off there whatever NODE_ENV says: started as the README
// shows, the admin's payment settings offer no demo provider and its checkout does not exist. With
// PAYMENTS_DEMO_PROVIDER=on it exists, and every client page says so in a banner.
import { expect } from 'chai';
import request from 'supertest';
import { dolibarrStandalone } from '../../plugins/dolibarr/standalone.ts';
import { openStandalonePortal, type StandalonePortal } from '../../plugins/standalone/portal-setup.ts';
import { createStaffSessionTable } from '../../plugins/standalone/queries/staff-sessions.ts';
import { createStandaloneApp } from '../../plugins/standalone/server.ts';
import { createPortalLogger } from '../../src/core/ops/logging.ts';
import { startDolibarrHost, unavailable, type DolibarrHost } from '../dolibarr/dolibarr-host.ts';
import { flagsFileFor } from '../support/portal-harness.ts';

const reason = unavailable();

describe('standalone server: no demo payments beside a real CRM unless asked for', function () {
  this.timeout(120_000);
  let host: DolibarrHost;

  before(async function () {
    // No real Dolibarr database here (no DATABASE_URL, or no schema file): `reason` says which, and
    // the PostgreSQL CI pass, which has both, runs it.
    if (reason) this.skip();
    host = await startDolibarrHost();
  });
  after(async function () {
    await host?.close();
  });

  async function serving(
    extra: Record<string, string>,
    run: (app: ReturnType<typeof createStandaloneApp>, portal: StandalonePortal) => Promise<void>,
  ) {
    const running = await openStandalonePortal(
      dolibarrStandalone,
      {
        DATABASE_URL: host.database.url,
        DOLIBARR_WORKSPACE_SLUG: host.seed.workspaceSlug,
        FLAGS_FILE: flagsFileFor([host.seed.workspaceSlug]),
        PORT: '0',
        ...extra,
      },
      { command: 'serve', logger: createPortalLogger({ level: 'error' }) },
    );
    try {
      await running.portal.migrate();
      await createStaffSessionTable(running.db);
      await run(createStandaloneApp(running), running);
    } finally {
      await running.close();
    }
  }

  /** The demo provider's hosted checkout is routed only where the provider is registered. */
  const demoCheckout = (running: StandalonePortal) =>
    running.portal.routes.client.some((route) => route.path.startsWith('/payments/demo/'));
  const signInPage = (app: ReturnType<typeof createStandaloneApp>) =>
    request(app).get(`/portal/${host.seed.workspaceSlug}/sign-in`).expect(200);

  it('started as the README shows (no NODE_ENV, no PAYMENTS_DEMO_PROVIDER), has no demo provider and no banner', async function () {
    await serving({}, async (app, running) => {
      expect(demoCheckout(running)).to.equal(false);
      const page = await signInPage(app);
      expect(page.text).to.not.include('demo-banner');
    });
  });

  it('with PAYMENTS_DEMO_PROVIDER=on, has it and says "Demo" on every client page, in development and in production', async function () {
    const modes: Record<string, string>[] = [
      {},
      { NODE_ENV: 'production', SESSION_SECRET: 'standalone-demo-test-secret'.padEnd(48, 'x'), SMTP_URL: 'smtp://127.0.0.1:2525' },
    ];
    for (const extra of modes) {
      await serving({ PAYMENTS_DEMO_PROVIDER: 'on', ...extra }, async (app, running) => {
        expect(demoCheckout(running)).to.equal(true);
        const page = await signInPage(app);
        expect(page.text).to.match(/<p class="demo-banner" role="note">Demo: online payments on this portal are a demonstration/);
        const german = await request(app).get(`/portal/${host.seed.workspaceSlug}/sign-in`).set('Accept-Language', 'de').expect(200);
        expect(german.text).to.include('Demo: Online-Zahlungen in diesem Portal sind eine Vorführung');
      });
    }
  });
});
