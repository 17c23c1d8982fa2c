// The sign-in and security log in a real Chromium at 390 px, in English, German and French: Olivia,
// Northwind's client admin, opens her own log from the Account page and then her company's; the
// agency's admin opens Maria's from her page in the admin (an entry from an IPv6 address with a
// long browser name among them). Every page has no axe violations, no horizontal overflow, and no
// console error (CSP included).
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import {
  expectAccessibleAt390,
  launchChromium,
  pagesClosedAfterEach,
  signInWithPassword,
  staffSignIn,
} from '../../../../test/support/browser-pages.ts';
import { startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';

describe('sign-in and security log in Chromium', function () {
  this.timeout(120_000);
  let h: PortalHarness;
  let browser: Browser;
  const openPage = pagesClosedAfterEach(() => browser);

  before(async function () {
    h = await startPortalHarness();
    browser = await launchChromium();
  });
  after(async function () {
    await browser?.close();
    await h?.close();
  });

  const cases = [
    { locale: 'en-US', title: 'Sign-in and security log' },
    { locale: 'de-DE', title: 'Anmelde- und Sicherheitsprotokoll' },
    { locale: 'fr-FR', title: 'Journal des connexions et de la sécurité' },
  ];
  for (const { locale, title } of cases)
    it(`shows the own and the company's log (${locale}, 390 px)`, async function () {
      const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'olivia@northwind.test')!;
      const { page } = await openPage({ locale, width: 390 });
      await signInWithPassword(page, h.crm.url, 'demo', login);
      await page.goto(`${h.crm.url}/portal/demo/account`);
      await Promise.all([page.waitForURL(/\/account\/security-log$/), page.click('a[href$="/account/security-log"]')]);
      expect(await page.textContent('h1')).to.contain(title);
      expect(await page.locator('.security-log-table tbody tr').count()).to.be.at.least(1);
      await expectAccessibleAt390(page, `security log (${locale})`);
      await page.goto(`${h.crm.url}/portal/demo/account`);
      await Promise.all([page.waitForURL(/\/security-log\/company$/), page.click('a[href$="/account/security-log/company"]')]);
      expect(await page.textContent('.security-log-table')).to.contain('olivia@northwind.test');
      await expectAccessibleAt390(page, `company security log (${locale})`);
    });

  const staffCases = [
    { locale: 'en-US', title: 'Sign-in and security log of Maria García' },
    { locale: 'de-DE', title: 'Anmelde- und Sicherheitsprotokoll von Maria García' },
    { locale: 'fr-FR', title: 'Journal des connexions et de la sécurité de Maria García' },
  ];
  for (const { locale, title } of staffCases)
    it(`shows the agency a person's log from their page (${locale}, 390 px)`, async function () {
      const workspaceId = (await h.crm.adapter.workspaces.findBySlug('demo'))!.id;
      const maria = await h.crm
        .db('client_users')
        .where({ workspace_id: workspaceId, email: 'maria@northwind.test' })
        .first('id', 'client_id', 'email');
      await h.crm.db('client_activity_logs').insert({
        workspace_id: workspaceId,
        client_user_id: maria.id,
        client_id: maria.client_id,
        email: maria.email,
        event: 'sign_in.failed',
        details: JSON.stringify({ method: 'password' }),
        ip: '2001:0db8:85a3:0000:0000:8a2e:0370:7334',
        user_agent:
          'Mozilla/5.0 (Linux; Android 14; SM-S918B Build/UP1A.231005.007) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.71 Mobile Safari/537.36',
      });
      const admin = h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!;
      const { page } = await openPage({ locale, width: 390 });
      await staffSignIn(page, h.crm.url, admin);
      await page.goto(`${h.crm.url}/settings/client-portal/clients/${maria.id}/access`);
      await Promise.all([page.waitForURL(/\/security-log$/), page.click(`a[href$="/clients/${maria.id}/security-log"]`)]);
      expect(await page.textContent('h1')).to.contain(title);
      expect(await page.locator('.security-log-table tbody tr').count()).to.be.at.least(1);
      expect(await page.textContent('.security-log-table')).to.contain('2001:0db8:85a3:0000:0000:8a2e:0370:7334');
      await expectAccessibleAt390(page, `staff security log (${locale})`);
    });
});
