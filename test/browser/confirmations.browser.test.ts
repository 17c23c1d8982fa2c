// The pages that ask before something cannot be undone, in Chromium: the admin's confirmations
// (disable a client user, revoke a public link, reset a client's two-factor) and the client's
// "sign out all other sessions". Each has no axe violation and nothing wider than 390 px; the
// client's is reached by a boosted link, takes focus on its heading, and its button does it.
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { enableTwoFactor } from '../../src/features/account/two-factor/queries.ts';
import { postPasswordSignIn, type PortalHarness } from '../support/portal-harness.ts';
import {
  expectNoAxeViolations,
  expectNoOverflowAt390,
  focused,
  portalInChromium,
  openPage,
  signInWithPassword,
  staffSignIn,
} from '../support/browser-pages.ts';

const ADMIN = '/settings/client-portal';

describe('confirmation pages in Chromium', function () {
  this.timeout(300_000);
  let h: PortalHarness;
  let browser: Browser;
  portalInChromium((started) => ({ h, browser } = started));
  beforeEach(async function () {
    await h.crm.db('portal_rate_limits').delete();
  });

  const demoLogins = () => h.crm.clientLogins.filter((l) => l.workspaceSlug === 'demo');
  const maria = () => demoLogins().find((l) => l.email === 'maria@northwind.test')!;
  const admin = () => h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!;

  async function checkPage(page: Page, label: string) {
    await expectNoAxeViolations(page, label);
    await expectNoOverflowAt390(page, label);
  }

  it('the admin confirmations: disable a client user, revoke a public link, reset two-factor', async function () {
    const workspace = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    const user = await h.crm.db('client_users').where({ workspace_id: workspace.id, email: maria().email }).first('id');
    const other = demoLogins().find((l) => l.email !== maria().email)!;
    const withTwoFactor = await h.crm
      .db('client_users')
      .where({ workspace_id: workspace.id, email: other.email.toLowerCase() })
      .first('id');
    // The confirmation only asks whether two-factor is on; the secret is never read.
    await enableTwoFactor(h.crm.db, workspace.id, String(withTwoFactor.id), 'v1:not-read-here', 0);
    const proposal = await h.crm
      .db('proposals')
      .where({ workspace_id: Number(workspace.id), status: 'sent' })
      .first('id', 'client_id');
    const record = `${ADMIN}/records/proposal/${String(proposal.client_id)}/${String(proposal.id)}`;

    const tab = await openPage(browser);
    const { page, context } = tab;
    try {
      await staffSignIn(page, h.crm.url, admin());

      await page.goto(`${h.crm.url}${ADMIN}/clients/${String(user.id)}/disable`);
      await page.waitForSelector('#confirm-title');
      await checkPage(page, 'disable confirmation');

      await page.goto(`${h.crm.url}${record}`);
      await page.click('button:has-text("Create a public link")');
      await page.waitForURL(/created=/);
      await page.locator('a[href$="/revoke"]').first().click();
      await page.waitForSelector('#confirm-title');
      expect(await page.textContent('#confirm-title')).to.match(/^Revoke public link #\d+\?$/);
      await checkPage(page, 'revoke link confirmation');

      await page.goto(`${h.crm.url}${ADMIN}/clients/${String(withTwoFactor.id)}/two-factor/reset`);
      await page.waitForSelector('#reset-title');
      await checkPage(page, 'two-factor reset confirmation');
      expect(tab.consoleErrors).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });

  it('the client asks before signing out every other session, by a boosted link, focus on the heading', async function () {
    const elsewhere = h.agent();
    expect((await postPasswordSignIn(elsewhere, 'demo', maria())).status).to.equal(303);
    await elsewhere.get('/portal/demo/account').expect(200);

    const tab = await openPage(browser);
    const { page, context } = tab;
    try {
      await signInWithPassword(page, h.crm.url, 'demo', maria());
      await page.goto(`${h.crm.url}/portal/demo/account`);
      const boosted = page.waitForRequest(
        (r) => r.url().endsWith('/account/sessions/revoke-others') && r.headers()['hx-request'] === 'true',
      );
      await page.click('a:has-text("Sign out all other sessions")');
      await boosted;
      await page.waitForSelector('#sign-out-others-title');
      expect(new URL(page.url()).pathname).to.equal('/portal/demo/account/sessions/revoke-others');
      expect(await focused(page)).to.equal('h1#sign-out-others-title');
      // Only the button ends the other session; opening the page did not.
      await elsewhere.get('/portal/demo/account').expect(200);
      await checkPage(page, 'sign out other sessions confirmation');

      await page.click('button:has-text("Sign out all other sessions")');
      await page.waitForSelector('.notice');
      expect(new URL(page.url()).pathname).to.equal('/portal/demo/account');
      expect(await page.textContent('.notice')).to.contain('All other sessions are signed out.');
      await elsewhere.get('/portal/demo/account').expect(303);
      expect(tab.consoleErrors).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });

  it('the same confirmation in German, and without JavaScript', async function () {
    const german = await openPage(browser, { locale: 'de-DE' });
    try {
      await signInWithPassword(german.page, h.crm.url, 'demo', maria());
      const answer = await german.page.goto(`${h.crm.url}/portal/demo/account/sessions/revoke-others`);
      expect(answer?.status()).to.equal(200);
      expect(await german.page.textContent('#sign-out-others-title')).to.equal('Alle anderen Sitzungen abmelden?');
      await checkPage(german.page, 'the confirmation in German');
      expect(german.consoleErrors).to.deep.equal([]);
    } finally {
      await german.context.close();
    }

    // No script runs on this page (axe and the width check need one; the page is the same as above).
    const plain = await openPage(browser, { javaScriptEnabled: false });
    try {
      await signInWithPassword(plain.page, h.crm.url, 'demo', maria());
      await plain.page.goto(`${h.crm.url}/portal/demo/account`);
      await plain.page.click('a:has-text("Sign out all other sessions")');
      await plain.page.waitForURL(/\/account\/sessions\/revoke-others$/);
      await plain.page.click('button:has-text("Sign out all other sessions")');
      await plain.page.waitForURL(/\/account\?notice=others-signed-out$/);
      expect(await plain.page.textContent('.notice')).to.contain('All other sessions are signed out.');
    } finally {
      await plain.context.close();
    }
  });
});
