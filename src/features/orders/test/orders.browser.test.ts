// The orders pages in Chromium: Maria García finds an order by her own reference from the keyboard,
// opens it, follows its delivery's tracking link (a new tab to the carrier), and orders it again
// (post, redirect, the page says it was sent); the list, an order's page and the German order page
// pass axe and do not overflow at 390 px.
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import {
  expectAccessibleAt390 as checkPage,
  openPage,
  portalInChromium,
  signInWithPassword,
  tabTo,
} from '../../../../test/support/browser-pages.ts';
import type { PortalHarness } from '../../../../test/support/portal-harness.ts';

describe('client orders in Chromium', function () {
  this.timeout(300_000);
  let h: PortalHarness;
  let browser: Browser;
  portalInChromium((started) => ({ h, browser } = started));

  it('searches, opens an order, reads its delivery and orders it again, by keyboard', async function () {
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
    const workspace = await h.crm.db('workspaces').where({ slug: 'demo' }).first('id');
    await h.crm
      .db('workspace_client_portal_settings')
      .insert({ workspace_id: String(workspace.id), show_orders: true })
      .onConflict('workspace_id')
      .merge();
    await h.crm.portal.workspaceChanged(String(workspace.id));
    const tab = await openPage(browser);
    try {
      const { page } = tab;
      await signInWithPassword(page, h.crm.url, 'demo', login);
      await page.goto(`${h.crm.url}/portal/demo/orders`);
      await checkPage(page, 'orders list');

      await tabTo(page, '#orders-search');
      await page.keyboard.type('PO-7781');
      await Promise.all([page.waitForURL(/q=PO-7781/), page.keyboard.press('Enter')]);
      await tabTo(page, '.record__link', 'SO-2026-002');
      await Promise.all([page.waitForURL(/\/orders\/\d+$/), page.keyboard.press('Enter')]);
      await checkPage(page, 'order page');
      // At 390 px the two actions stack, each as wide as the other (the button inside its form too).
      await page.setViewportSize({ width: 390, height: 844 });
      const widths = await page
        .locator('.amount-header__actions .button')
        .evaluateAll((buttons) => buttons.map((b) => b.getBoundingClientRect().width));
      expect(widths).to.have.length(2);
      expect(widths[0]).to.be.closeTo(widths[1]!, 0.5);
      await page.setViewportSize({ width: 1200, height: 900 });
      const track = page.getByRole('link', { name: 'Track parcel 00340434161094042557' });
      expect(await track.getAttribute('href')).to.equal('https://www.dhl.com/en/express/tracking.html?AWB=00340434161094042557');
      expect(await track.getAttribute('target')).to.equal('_blank');

      await tabTo(page, 'button', 'Order again');
      await Promise.all([page.waitForURL(/asked=1/), page.keyboard.press('Enter')]);
      expect(await page.getByRole('status').first().textContent()).to.contain('Sent: the agency has a new draft order');
      expect(await page.getByRole('heading', { name: 'Ordered again' }).count()).to.equal(1);
      await checkPage(page, 'order page after ordering again');

      // German words are longer: the order's page must still fit a phone.
      await h.crm.db('client_users').where({ email: login.email }).update({ locale: 'de' });
      await page.reload();
      expect(await page.getByRole('button', { name: 'Erneut bestellen' }).count()).to.equal(1);
      await checkPage(page, 'order page, German');
      expect(tab.consoleErrors).to.deep.equal([]);
    } finally {
      await h.crm.db('client_users').where({ email: login.email }).update({ locale: null });
      await h.crm.db('orders').where({ workspace_id: workspace.id, status: 'draft' }).whereNotNull('reorder_of_id').delete();
      await tab.context.close();
    }
  });
});
