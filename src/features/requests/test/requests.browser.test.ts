// The requests section in a real Chromium: axe finds no violations and nothing overflows at 390 px
// on the catalogue, each form (with its messages after a refused submit), "My requests" and a
// request's page, with its thread. A client sends a quote request with a file through the form and
// lands on its page, writes in its thread, and sees the agency's reply from the CRM's staff page
// arrive live; the CRM's staff pages of the request (with the thread, at 390 px) and of a quotation
// made from it have no axe violations either; no page logs a console error (a CSP violation would be one).
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import {
  expectAccessible,
  expectAccessibleAt390,
  pagesClosedAfterEach,
  portalInChromium,
  signInWithPassword,
  staffSignIn,
} from '../../../../test/support/browser-pages.ts';
import type { PortalHarness } from '../../../../test/support/portal-harness.ts';
import { smallPdf } from '../../../../test/support/upload-fixtures.ts';

describe('requests in Chromium', function () {
  this.timeout(120_000);
  let h: PortalHarness;
  let browser: Browser;
  let workspaceId: number;
  portalInChromium((started) => ({ h, browser } = started));
  const open = pagesClosedAfterEach(() => browser);
  const maria = () => h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
  const definitionId = async (name: string) =>
    (await h.crm.db('request_definitions').where({ workspace_id: workspaceId, name }).first('id')).id as number;

  before(async function () {
    workspaceId = (await h.crm.db('workspaces').where({ slug: 'demo' }).first('id')).id;
    await h.crm
      .db('workspace_client_portal_settings')
      .insert({ workspace_id: String(workspaceId), show_requests: true, allow_file_uploads: true });
    await h.crm.portal.workspaceChanged(String(workspaceId));
  });

  it('sends a quote request with a file, and has no axe violations and no overflow at 390 px', async function () {
    const { page } = await open({ width: 390 });
    await signInWithPassword(page, h.crm.url, 'demo', maria());
    const quote = await definitionId('Request a quote for printing');
    const website = await definitionId('Request a website change');
    for (const url of ['/requests', `/requests/new/${quote}`, `/requests/new/${website}`, '/requests/mine']) {
      await page.goto(`${h.crm.url}/portal/demo${url}`);
      await expectAccessibleAt390(page, url);
    }
    // Refused: each field's message beside it, still accessible.
    await page.goto(`${h.crm.url}/portal/demo/requests/new/${quote}`);
    await page.fill('#request-quantity', '3');
    await page.click('button:has-text("Send request")');
    await page.waitForSelector('text=Fill this in: the request needs it.');
    await expectAccessibleAt390(page, 'refused quote request');

    await page.selectOption('#request-product', { label: 'Posters' });
    await page.fill('#request-quantity', '250');
    await page.check('input[name="f_finishes__gloss"]');
    await page.setInputFiles('#request-artwork', { name: 'poster.pdf', mimeType: 'application/pdf', buffer: smallPdf('poster') });
    await Promise.all([page.waitForURL(/\/requests\/mine\/\d+$/), page.click('button:has-text("Send request")')]);
    expect(await page.textContent('h1')).to.match(/REQ-\d{4} Request a quote for printing/);
    const shown = await page.textContent('#request');
    expect(shown).to.contain('Posters').and.contain('Gloss').and.contain('poster.pdf');
    await expectAccessibleAt390(page, 'request page');

    // The thread: a refused message keeps what was typed and says why; a sent one shows in the list.
    await page.click('#comments button[type="submit"]');
    await page.waitForSelector('#comment-body-error');
    await expectAccessibleAt390(page, 'request page with a refused message');
    await page.fill('#comment-body', 'Could the posters be ready by Friday?');
    await page.click('#comments button[type="submit"]');
    await page.waitForSelector('#comments-list li:has-text("Could the posters be ready by Friday?")');

    const requestId = page.url().split('/').pop()!;
    const staff = await open({ width: 390 });
    await staffSignIn(staff.page, h.crm.url, h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!);
    for (const url of ['/requests', `/requests/${requestId}`]) {
      await staff.page.goto(`${h.crm.url}${url}`);
      await expectAccessible(staff.page, `staff ${url}`);
    }
    // Staff reply from the request's page in the CRM; the client's open page shows it at once.
    expect(await staff.page.textContent('#thread')).to.contain('Could the posters be ready by Friday?');
    await staff.page.fill('#body', 'Yes, they ship on Thursday.');
    await Promise.all([staff.page.waitForURL(/\/requests\/\d+#thread$/), staff.page.click('#thread button[type="submit"]')]);
    await expectAccessibleAt390(staff.page, 'staff request page with a thread');
    await page.waitForSelector('#comments-list li.comment--agency:has-text("Yes, they ship on Thursday.")');
    await expectAccessibleAt390(page, 'request page with a thread');
    // The CRM's new-quotation form (its line items' table) is wider than 390 px whatever it is
    // prefilled from: checked on a desktop's width.
    const desk = await open();
    await staffSignIn(desk.page, h.crm.url, h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!);
    await desk.page.goto(`${h.crm.url}/quotations/new?request=${requestId}`);
    await expectAccessible(desk.page, 'staff quotation from a request');
  });

  for (const javaScriptEnabled of [true, false]) {
    it(`keeps the files of a refused form, removable, and sends them with it again (${javaScriptEnabled ? 'htmx' : 'no JavaScript'})`, async function () {
      const { page, consoleErrors } = await open({ width: 390, javaScriptEnabled });
      await signInWithPassword(page, h.crm.url, 'demo', maria());
      const quote = await definitionId('Request a quote for printing');
      await page.goto(`${h.crm.url}/portal/demo/requests/new/${quote}`);
      await page.fill('#request-quantity', '3');
      await page.setInputFiles('#request-artwork', [
        { name: 'kept.pdf', mimeType: 'application/pdf', buffer: smallPdf('kept') },
        { name: 'dropped.pdf', mimeType: 'application/pdf', buffer: smallPdf('dropped') },
      ]);
      await page.click('button:has-text("Send request")');
      await page.waitForSelector('text=Fill this in: the request needs it.');
      await page.waitForSelector('.pending-files li:has-text("Attached: kept.pdf")');
      // axe runs in the page: checked where the page runs scripts.
      if (javaScriptEnabled) await expectAccessibleAt390(page, 'refused quote request with its files kept');

      await page.click('button[aria-label="Remove dropped.pdf"]');
      await page.waitForSelector('.pending-files li:has-text("dropped.pdf")', { state: 'detached' });
      expect(await page.inputValue('#request-quantity'), 'what was typed').to.equal('3');

      await page.selectOption('#request-product', { label: 'Posters' });
      await page.fill('#request-quantity', '250');
      await Promise.all([page.waitForURL(/\/requests\/mine\/\d+$/), page.click('button:has-text("Send request")')]);
      const shown = await page.textContent('#request');
      expect(shown).to.contain('kept.pdf');
      expect(shown).to.not.contain('dropped.pdf');
      // Without JavaScript, Chromium reports the refused form's 422 as a resource that failed to load.
      consoleErrors.splice(0, consoleErrors.length, ...consoleErrors.filter((e) => !/status of 422/.test(e)));
    });
  }
});
