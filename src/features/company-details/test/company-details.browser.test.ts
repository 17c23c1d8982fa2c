// The Company page in a real Chromium: axe finds no violations and nothing overflows at 390 px on
// the page read only, with its form, and with the form sent back with errors; in English and
// German. The client admin changes the billing address and the page says it is saved; no page
// logs a console error (a CSP violation would be one).
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import {
  expectAccessibleAt390,
  pagesClosedAfterEach,
  portalInChromium,
  signInWithPassword,
} from '../../../../test/support/browser-pages.ts';
import type { PortalHarness } from '../../../../test/support/portal-harness.ts';

describe('company details in Chromium', function () {
  this.timeout(120_000);
  let h: PortalHarness;
  let browser: Browser;
  let workspaceId: number;
  portalInChromium((started) => ({ h, browser } = started));
  const open = pagesClosedAfterEach(() => browser);
  const login = (email: string) => h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === email)!;
  const url = () => `${h.crm.url}/portal/demo/account/company`;

  before(async function () {
    workspaceId = (await h.crm.db('workspaces').where({ slug: 'demo' }).first('id')).id;
    await h.crm.db('workspace_client_portal_settings').insert({ workspace_id: String(workspaceId), allow_company_details_edit: true });
    await h.crm.portal.workspaceChanged(String(workspaceId));
  });

  it('has no axe violations and no overflow at 390 px, read only and with its form, in English and German', async function () {
    for (const [email, what] of [
      ['maria@northwind.test', 'read only'],
      ['olivia@northwind.test', 'form'],
    ] as const) {
      for (const locale of ['en-US', 'de-DE']) {
        const { page } = await open({ width: 390, locale });
        await signInWithPassword(page, h.crm.url, 'demo', login(email));
        await page.goto(url());
        await expectAccessibleAt390(page, `company details, ${what}, ${locale}`);
        await page.close();
      }
    }
  });

  it('changes the billing address, and shows a refused form with its reasons accessibly', async function () {
    const { page, consoleErrors } = await open({ width: 390 });
    await signInWithPassword(page, h.crm.url, 'demo', login('olivia@northwind.test'));
    await page.goto(url());
    await page.fill('#company-tax-id', 'DE12');
    await page.selectOption('#company-country', 'DE');
    // The page is already loaded before the click: wait for the refused form's answer itself.
    await page.click('button:has-text("Save the details")');
    await page.getByText('This is not the shape of a VAT number of that country').first().waitFor();
    expect(await page.textContent('#company-details')).to.contain('This is not the shape of a VAT number of that country');
    await expectAccessibleAt390(page, 'company details, refused');
    // The refused form's 400, which the browser logs: expected here.
    const expected = consoleErrors.filter((error) => error.includes('status of 400'));
    expect(expected).to.have.length(1);
    consoleErrors.splice(consoleErrors.indexOf(expected[0]!), 1);
    await page.fill('#company-address-line1', 'Friedrichstraße 123');
    await page.fill('#company-postal-code', '10117');
    await page.fill('#company-city', 'Berlin');
    await page.fill('#company-tax-id', 'DE123456789');
    await Promise.all([page.waitForURL(/notice=saved$/), page.click('button:has-text("Save the details")')]);
    expect(await page.textContent('#company-details')).to.contain('The company’s details are saved');
    expect(await page.inputValue('#company-address-line1')).to.equal('Friedrichstraße 123');
  });
});
