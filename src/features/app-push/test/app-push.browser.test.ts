// The installed portal in Chromium: the sign-in page links the workspace's manifest (its name,
// icons and scope), the service worker registers at the portal base and serves the offline page
// when the network is gone. Push in this headless Chromium: PushManager.subscribe needs the
// browser's push service (Google's, reached with the browser's own keys), which a test machine
// has not, so the page's script is given a synthetic subscription instead and the test checks what
// the script sends and what the portal keeps; the delivery itself is tested against a local push
// service in app-push.test.ts. The notification choices with the push control, and the offline
// page, pass axe and do not overflow at 390 px, in English and German.
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { expectAccessibleAt390, openPage, portalInChromium, signInWithPassword } from '../../../../test/support/browser-pages.ts';
import type { PortalHarness } from '../../../../test/support/portal-harness.ts';

const SYNTHETIC_ENDPOINT = 'https://fcm.googleapis.com/fcm/send/chromium-synthetic-device';

describe('the installed portal in Chromium', function () {
  this.timeout(300_000);
  let h: PortalHarness;
  let browser: Browser;
  portalInChromium((started) => ({ h, browser } = started));

  it('links the manifest from the sign-in page and registers the service worker at the portal base', async function () {
    const tab = await openPage(browser);
    try {
      const { page } = tab;
      await page.goto(`${h.crm.url}/portal/demo/sign-in`);
      const manifest = await page.evaluate(async () => {
        const link = document.querySelector<HTMLLinkElement>('link[rel="manifest"]');
        return link ? ((await (await fetch(link.href)).json()) as { name: string; scope: string; icons: Array<{ sizes: string }> }) : null;
      });
      const workspace = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
      expect(manifest?.name).to.include(workspace.name);
      expect(manifest?.scope).to.equal('/portal/demo/');
      expect(manifest?.icons.map((icon) => icon.sizes)).to.deep.equal(['192x192', '512x512', '192x192', '512x512']);
      const scope = await page.evaluate(() => navigator.serviceWorker.ready.then((registration) => registration.scope));
      expect(scope).to.equal(`${h.crm.url}/portal/demo/`);
      // Once the worker controls the page, a navigation without network shows the offline page.
      await page.reload();
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
      await tab.context.setOffline(true);
      await page.goto(`${h.crm.url}/portal/demo/invoices`).catch(() => undefined);
      expect(await page.textContent('h1')).to.equal('You are offline');
      await tab.context.setOffline(false);
      expect(tab.consoleErrors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(e))).to.deep.equal([]);
    } finally {
      await tab.context.close();
    }
  });

  for (const locale of ['en-US', 'de-DE']) {
    it(`turns push on and off for this device from the notification choices (${locale})`, async function () {
      const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
      const tab = await openPage(browser, { locale });
      try {
        const { page, context } = tab;
        await context.grantPermissions(['notifications'], { origin: h.crm.url });
        // The synthetic subscription: what PushManager would hand the script, without a push service.
        // A string, not a function: the test runner's compiled functions call helpers the page has not.
        await context.addInitScript(`(() => {
          let current = null;
          const key = btoa(String.fromCharCode(4, ...new Array(64).fill(7))).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
          const fake = {
            endpoint: ${JSON.stringify(SYNTHETIC_ENDPOINT)},
            toJSON: () => ({ endpoint: ${JSON.stringify(SYNTHETIC_ENDPOINT)}, keys: { p256dh: key, auth: 'AAAAAAAAAAAAAAAAAAAAAA' } }),
            unsubscribe: async () => { current = null; return true; },
          };
          PushManager.prototype.subscribe = async () => { current = fake; return fake; };
          PushManager.prototype.getSubscription = async () => current;
        })();`);
        await signInWithPassword(page, h.crm.url, 'demo', login);
        await page.goto(`${h.crm.url}/portal/demo/account/notifications`);
        const on = page.locator('[data-push-on]');
        await on.waitFor({ state: 'visible' });
        await expectAccessibleAt390(page, `notification choices with the push control (${locale})`);
        await on.click();
        await page.locator('[data-push-off]').waitFor({ state: 'visible' });
        const workspace = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
        const rows = () =>
          h.crm.db('portal_push_subscriptions').where({ workspace_id: workspace.id }).select('endpoint', 'device_label', 'p256dh');
        const kept = await rows();
        expect(kept).to.have.length(1);
        expect(kept[0]).to.include({ endpoint: SYNTHETIC_ENDPOINT, device_label: 'Chrome · Linux' });
        expect(await page.textContent('[data-push-status]')).to.equal(
          locale === 'de-DE' ? 'Push ist auf diesem Gerät eingeschaltet.' : 'Push is on for this device.',
        );
        await page.locator('[data-push-off]').click();
        await on.waitFor({ state: 'visible' });
        expect(await rows()).to.deep.equal([]);

        await page.goto(`${h.crm.url}/portal/demo/offline`);
        await expectAccessibleAt390(page, `offline page (${locale})`);
        expect(tab.consoleErrors).to.deep.equal([]);
      } finally {
        await tab.context.close();
      }
    });
  }
});
