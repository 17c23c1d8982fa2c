// "Your data" in Chromium, by keyboard: Maria García goes from her account page to Your data, asks
// for a copy, sees it become ready without reloading (the list refreshes itself while it is built)
// and asks for her data to be erased after the confirmation; the agency finds the request, reads
// what approval would do and declines it with a reason she then reads. Every page on the way passes
// axe and does not overflow at 390 px.
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import {
  portalInChromium,
  openPage,
  signInWithPassword,
  staffSignIn,
  expectAccessibleAt390 as checkPage,
  tabTo,
} from '../../../../test/support/browser-pages.ts';
import type { PortalHarness } from '../../../../test/support/portal-harness.ts';

const ADMIN = '/settings/client-portal';

describe('your data in Chromium', function () {
  this.timeout(300_000);
  let h: PortalHarness;
  let browser: Browser;
  portalInChromium((started) => ({ h, browser } = started));

  const maria = () => h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
  const admin = () => h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!;

  it('takes a copy and asks for erasure by keyboard; the agency declines with a reason she reads', async function () {
    const clientTab = await openPage(browser);
    const staffTab = await openPage(browser);
    try {
      const { page } = clientTab;
      await signInWithPassword(page, h.crm.url, 'demo', maria());
      await page.goto(`${h.crm.url}/portal/demo/account`);
      await tabTo(page, 'a[href="/portal/demo/account/data"]');
      await Promise.all([page.waitForURL(/\/account\/data$/), page.keyboard.press('Enter')]);
      await checkPage(page, 'your data');

      await tabTo(page, 'button', 'Prepare a copy of my data');
      await Promise.all([page.waitForURL(/notice=exportRequested/), page.keyboard.press('Enter')]);
      // Built in the background; the list follows on its own.
      await page.waitForSelector('a:has-text("Download")', { timeout: 20_000 });
      expect(await page.textContent('.export-list')).to.contain('Ready');
      await checkPage(page, 'your data, a copy ready');

      await tabTo(page, 'a', 'Ask to erase my data');
      await Promise.all([page.waitForURL(/\/account\/data\/erasure$/), page.keyboard.press('Enter')]);
      await checkPage(page, 'erasure confirmation');
      await tabTo(page, '#erasure-reason');
      await page.keyboard.type('I am leaving Northwind.');
      await tabTo(page, 'button', 'Ask to erase my data');
      await Promise.all([page.waitForURL(/notice=erasureRequested/), page.keyboard.press('Enter')]);
      expect(await page.textContent('#privacy')).to.contain('The agency has not decided yet.');

      const staff = staffTab.page;
      await staffSignIn(staff, h.crm.url, admin());
      await staff.goto(`${h.crm.url}${ADMIN}/erasure-requests`);
      await checkPage(staff, 'erasure requests');
      await tabTo(staff, 'a', maria().email);
      await Promise.all([staff.waitForSelector('#decide-title'), staff.keyboard.press('Enter')]);
      expect(await staff.textContent('main')).to.contain('I am leaving Northwind.');
      await checkPage(staff, 'erasure request');
      await tabTo(staff, '#decline-note');
      await staff.keyboard.type('Your contract runs until March.');
      await tabTo(staff, 'button', 'Decline');
      await Promise.all([staff.waitForURL(/notice=declined/), staff.keyboard.press('Enter')]);

      await page.goto(`${h.crm.url}/portal/demo/account/data`);
      expect(await page.textContent('#privacy')).to.contain('Your contract runs until March.');
      expect(clientTab.consoleErrors).to.deep.equal([]);
      expect(staffTab.consoleErrors).to.deep.equal([]);
    } finally {
      await clientTab.context.close();
      await staffTab.context.close();
    }
  });
});
