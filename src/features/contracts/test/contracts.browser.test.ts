// The contracts section in a real Chromium, in English and in German: axe finds no violations and
// nothing overflows at 390 px on the list, a contract and a line's periods with the entries behind
// them; the allowance's meter is named by its figure ("7.5 of 10 hours used", "7,5 von 10 Stunden
// verbraucht"), so a screen reader reads the bar as the page says it; choosing an earlier month
// shows its entries; no page logs a console error (a CSP violation would be one). A contract with an
// ask for more hours waiting and answered, and its form refused as typed, pass the same checks, in
// English and in German.
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import {
  expectAccessibleAt390,
  pagesClosedAfterEach,
  portalInChromium,
  signInWithPassword,
} from '../../../../test/support/browser-pages.ts';
import type { PortalHarness } from '../../../../test/support/portal-harness.ts';

describe('contracts in Chromium', function () {
  this.timeout(180_000);
  let h: PortalHarness;
  let browser: Browser;
  let workspaceId: number;
  let urls: string[];
  portalInChromium((started) => ({ h, browser } = started));
  const open = pagesClosedAfterEach(() => browser);
  const maria = () => h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;

  before(async function () {
    const db = h.crm.db;
    workspaceId = (await db('workspaces').where({ slug: 'demo' }).first('id')).id;
    await db('workspace_client_portal_settings').insert({
      workspace_id: String(workspaceId),
      show_contracts: true,
      show_time_entries_to_clients: true,
    });
    await h.crm.portal.workspaceChanged(String(workspaceId));
    const contract = await db('contracts').where({ workspace_id: workspaceId, number: 'CT-2026-001' }).first('id');
    const line = await db('contract_lines')
      .where({ workspace_id: workspaceId, contract_id: contract.id, name: 'Support hours' })
      .first('id');
    urls = ['/', '/contracts', `/contracts/${contract.id}`, `/contracts/${contract.id}/lines/${line.id}`];
  });
  it('has no axe violations and no overflow at 390 px, in English and in German', async function () {
    const { page } = await open({ width: 390 });
    await signInWithPassword(page, h.crm.url, 'demo', maria());
    for (const url of urls) {
      await page.goto(`${h.crm.url}/portal/demo${url}`);
      await expectAccessibleAt390(page, url);
    }
    expect(await page.getByRole('meter', { name: '7.5 of 10 hours used' }).count()).to.be.greaterThan(0);

    // German words are longer: the pages must still fit a phone.
    await h.crm.db('client_users').where({ email: maria().email }).update({ locale: 'de' });
    try {
      for (const url of urls) {
        await page.goto(`${h.crm.url}/portal/demo${url}`);
        await expectAccessibleAt390(page, `${url}, German`);
      }
      expect(await page.textContent('h1')).to.equal('Support hours');
      expect(await page.getByRole('meter', { name: '7,5 von 10 Stunden verbraucht' }).count()).to.be.greaterThan(0);
    } finally {
      await h.crm.db('client_users').where({ email: maria().email }).update({ locale: null });
    }
  });

  it('asks for more hours: the refused form and the asks pass axe and fit 390 px, in English and in German', async function () {
    const db = h.crm.db;
    const contract = await db('contracts').where({ workspace_id: workspaceId, number: 'CT-2026-001' }).first('id', 'client_id');
    const line = await db('contract_lines')
      .where({ workspace_id: workspaceId, contract_id: contract.id, name: 'Support hours' })
      .first('id');
    const { page, consoleErrors } = await open({ width: 390 });
    await signInWithPassword(page, h.crm.url, 'demo', maria());
    const contractPage = `${h.crm.url}/portal/demo/contracts/${contract.id}`;
    try {
      for (const [locale, words] of [
        [null, { open: 'Ask for more hours', send: 'Send the request', wrong: 'Enter the hours as a number' }],
        ['de', { open: 'Mehr Stunden anfragen', send: 'Anfrage senden', wrong: 'Geben Sie die Stunden als Zahl ein' }],
      ] as const) {
        await db('portal_contract_hour_requests').delete();
        await db('client_users').where({ email: maria().email }).update({ locale });
        await page.goto(contractPage);
        await page.click(`summary:has-text("${words.open}")`);
        await page.fill('input[name="hours"]', 'lots');
        await page.fill('textarea[name="note"]', 'Für die Frühjahrskampagne, with a long word: Donaudampfschifffahrtsgesellschaftskapitän');
        await Promise.all([page.waitForURL(/\/hours$/), page.click(`button:has-text("${words.send}")`)]);
        expect(await page.textContent('main')).to.contain(words.wrong);
        expect(await page.inputValue('input[name="hours"]')).to.equal('lots');
        await expectAccessibleAt390(page, `the refused ask, ${locale ?? 'en'}`);

        await db('portal_contract_hour_requests').insert([
          {
            workspace_id: String(workspaceId),
            client_id: String(contract.client_id),
            contract_id: String(contract.id),
            line_id: String(line.id),
            hours: 1.5,
            scope: 'from_now_on',
            state: 'answered',
            answer: 'declined',
            answer_note: 'Not this month: the team is fully booked until the launch.',
          },
          {
            workspace_id: String(workspaceId),
            client_id: String(contract.client_id),
            contract_id: String(contract.id),
            line_id: String(line.id),
            hours: 12.25,
            scope: 'this_period',
            period_start: '2026-11-01',
            period_end: '2026-12-01',
            note: 'For the spring campaign.',
          },
        ]);
        await page.goto(contractPage);
        await expectAccessibleAt390(page, `the contract with asks, ${locale ?? 'en'}`);
      }
    } finally {
      await db('client_users').where({ email: maria().email }).update({ locale: null });
      await db('portal_contract_hour_requests').delete();
    }
    // The refused form is a 422, which Chromium logs once per language: expected, and nothing else.
    const refused = consoleErrors.filter((error) => error.includes('status of 422'));
    expect(refused).to.have.length(2);
    for (const error of refused) consoleErrors.splice(consoleErrors.indexOf(error), 1);
    expect(consoleErrors).to.deep.equal([]);
  });

  it('shows the contract with the hours used this month, and the work behind an earlier month', async function () {
    const { page, consoleErrors } = await open();
    await signInWithPassword(page, h.crm.url, 'demo', maria());
    await page.goto(`${h.crm.url}/portal/demo/contracts`);
    expect(await page.textContent('main'))
      .to.contain('7.5 of 10 hours used')
      .and.contain('2.5 hours left');
    await Promise.all([page.waitForURL(/\/lines\/\d+$/), page.click('a:has-text("Support hours")')]);
    expect(await page.textContent('main')).to.contain('New landing page for the spring offer');
    const months = page.locator('table.contract-history tbody th a');
    expect(await months.count()).to.equal(3);
    await Promise.all([page.waitForURL(/\?period=/), months.nth(1).click()]);
    expect(await page.textContent('main'))
      .to.contain('Checkout form fixes')
      .and.contain('9 of 10 hours used');
    // The month shown downloads as a CSV file, named after the contract and the month.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a:has-text("Download these entries (CSV)")')]);
    expect(download.suggestedFilename()).to.match(/^time-entries-CT-2026-001-\d{4}-\d{2}-01-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(consoleErrors).to.deep.equal([]);
  });
});
