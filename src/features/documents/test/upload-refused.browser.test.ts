// A refused upload on the Documents page, in Chromium with and without JavaScript: after the
// refusal is shown, the address the browser is on must still be a page (a reload or Enter in the
// address bar GETs it), never "Page not found" for the upload's POST address.
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';
import { launchChromium } from '../../../../test/support/browser-pages.ts';
import { windowsExecutable } from '../../../../test/support/upload-fixtures.ts';

describe('a refused upload on the Documents page', function () {
  this.timeout(180_000);
  let h: PortalHarness;
  let browser: Browser;

  before(async function () {
    h = await startPortalHarness();
    browser = await launchChromium();
    const workspace = await h.crm.db('workspaces').where({ slug: 'demo' }).first('id');
    await h.crm.db('workspace_client_portal_settings').insert({ workspace_id: String(workspace.id), allow_file_uploads: true });
    await h.crm.portal.workspaceChanged(String(workspace.id));
  });
  after(async function () {
    await browser?.close();
    await h?.close();
  });

  async function clientPage(javaScriptEnabled: boolean): Promise<Page> {
    const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
    await page.goto(`${h.crm.url}/portal/demo/sign-in`);
    await page.fill('#email', login.email);
    await page.fill('#password', login.password);
    await Promise.all([page.waitForSelector('#dashboard-title'), page.press('#password', 'Enter')]);
    return page;
  }

  for (const javaScriptEnabled of [true, false]) {
    it(`shows the refusal, and the address it leaves loads the Documents page (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async function () {
      const page = await clientPage(javaScriptEnabled);
      try {
        await page.goto(`${h.crm.url}/portal/demo/documents`);
        await page.setInputFiles('#upload-file', { name: 'invoice.pdf', mimeType: 'application/pdf', buffer: windowsExecutable() });
        await page.click('button:has-text("Upload")');
        await page.waitForSelector('text=That kind of file cannot be uploaded');
        const address = page.url();
        // With JavaScript the form is boosted: the page's own address replaces the POST address.
        if (javaScriptEnabled) expect(new URL(address).pathname).to.equal('/portal/demo/documents');
        const again = await page.goto(address);
        expect(again!.status(), `GET ${new URL(address).pathname}`).to.equal(200);
        expect(await page.textContent('main')).to.not.include('Page not found');
        expect(await page.locator('#uploads-title').count(), 'the Documents page').to.equal(1);
      } finally {
        await page.context().close();
      }
    });
  }
});
