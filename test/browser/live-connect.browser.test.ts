// Every kind of live page (the client's portal layout, the portal's admin pages inside the CRM, the
// staff messages pages) connects its live stream however slowly its scripts arrive. Each script is
// held back longer the later it comes in the page, the order a slow network can deliver them in:
// with htmx and its SSE extension as two files, htmx started before the extension had arrived and
// the page never connected.
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';
import { launchChromium, openPage, signInWithPassword, staffSignIn, type WatchedPage } from '../support/browser-pages.ts';

const DELAY_PER_SCRIPT_MS = 400;

describe('live pages in Chromium with slow scripts', function () {
  this.timeout(90_000);
  let h: PortalHarness;
  let browser: Browser;
  const opened: WatchedPage[] = [];

  before(async function () {
    this.timeout(180_000);
    h = await startPortalHarness();
    browser = await launchChromium();
  });
  after(async function () {
    await browser?.close();
    await h?.close();
  });
  afterEach(async function () {
    const errors = opened.flatMap((watched) => watched.consoleErrors);
    for (const { context } of opened.splice(0)) await context.close().catch(() => {});
    expect(errors, 'console errors').to.deep.equal([]);
  });

  async function slowScripts(): Promise<Page> {
    const watched = await openPage(browser);
    opened.push(watched);
    let scripts = 0;
    await watched.page.route(/\.js(\?|$)/, async (route) => {
      const delay = ++scripts * DELAY_PER_SCRIPT_MS;
      await new Promise((resolve) => setTimeout(resolve, delay));
      await route.continue();
    });
    return watched.page;
  }

  async function expectStreamConnects(page: Page, url: string, streamPath: string) {
    const connected = page.waitForResponse((res) => new URL(res.url()).pathname === streamPath, { timeout: 20_000 });
    await page.goto(url);
    const stream = await connected;
    expect(stream.status(), `${streamPath} from ${url}`).to.equal(200);
    expect(stream.headers()['content-type']).to.match(/^text\/event-stream/);
  }

  it('connects on the client documents page', async function () {
    const page = await slowScripts();
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
    await signInWithPassword(page, h.crm.url, 'demo', login);
    await expectStreamConnects(page, `${h.crm.url}/portal/demo/documents`, '/portal/demo/live');
  });

  it('connects on the staff uploads page and the staff inbox', async function () {
    const page = await slowScripts();
    const admin = h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!;
    await staffSignIn(page, h.crm.url, admin);
    await expectStreamConnects(page, `${h.crm.url}/settings/client-portal/uploads`, '/client-messages/stream');
    await expectStreamConnects(page, `${h.crm.url}/client-messages`, '/client-messages/stream');
  });
});
