// Notifications for clients in Chromium, by keyboard: the agency issues an invoice and shares a
// document; Maria García sees the unread count in the navigation, opens the invoice's notification
// from the list, and chooses a daily email for invoices. Every page passes axe and does not
// overflow at 390 px.
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import {
  expectAccessibleAt390 as checkPage,
  portalInChromium,
  openPage,
  signInWithPassword,
  tabTo,
} from '../../../../test/support/browser-pages.ts';
import type { PortalHarness } from '../../../../test/support/portal-harness.ts';

describe('client notifications in Chromium', function () {
  this.timeout(300_000);
  let h: PortalHarness;
  let browser: Browser;
  portalInChromium((started) => ({ h, browser } = started));

  it('shows the unread count, opens a notification and saves a channel, by keyboard', async function () {
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
    const workspace = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    const user = await h.crm.db('client_users').where({ workspace_id: workspace.id, email: login.email }).first('client_id');
    const invoice = await h.crm
      .db('invoices')
      .where({ workspace_id: Number(workspace.id), client_id: Number(user.client_id) })
      .whereNot('status', 'draft')
      .first('id', 'number');
    const told = { workspaceId: workspace.id, clientId: String(user.client_id) };
    await h.crm.portal.hostRecordChanged({ ...told, kind: 'invoice', id: String(invoice.id), happened: 'issued', number: invoice.number });
    await h.crm.portal.hostRecordChanged({
      ...told,
      kind: 'document',
      id: '777',
      happened: 'shared',
      title: 'A very long file name for a narrow phone screen.pdf',
    });
    const tab = await openPage(browser);
    try {
      const { page } = tab;
      await signInWithPassword(page, h.crm.url, 'demo', login);
      // Where the row has no room for it, the item waits behind More, which says the count too.
      // portal.js fits the row once its deferred script runs: asked before, the item could still
      // be in the row and then move behind More while Tab looks for it.
      await page.waitForSelector('.portal-nav--fitted', { state: 'attached' });
      if (await page.locator('.portal-nav__more-list a[href="/portal/demo/notifications"]').count()) {
        await tabTo(page, '.portal-nav__more-toggle', 'More (2 unread)');
        await page.keyboard.press('Enter');
      }
      await tabTo(page, 'a[href="/portal/demo/notifications"]', 'Notifications (2 unread)');
      await Promise.all([page.waitForURL(/\/notifications$/), page.keyboard.press('Enter')]);
      await checkPage(page, 'notifications');
      await tabTo(page, '.notification a', invoice.number);
      await Promise.all([page.waitForURL(new RegExp(`/invoices/${invoice.id}$`)), page.keyboard.press('Enter')]);
      expect(await page.textContent('nav')).to.contain('Notifications (1 unread)');

      await page.goto(`${h.crm.url}/portal/demo/account/notifications`);
      await checkPage(page, 'notification channels');
      await tabTo(page, '#channel-invoice_issued-email');
      await page.keyboard.press('ArrowDown');
      expect(await page.isChecked('#channel-invoice_issued-digest')).to.equal(true);
      await tabTo(page, 'button', 'Save');
      await Promise.all([page.waitForURL(/notice=saved/), page.keyboard.press('Enter')]);
      expect(await page.textContent('.notice')).to.contain('Saved.');
      expect(await page.isChecked('#channel-invoice_issued-digest')).to.equal(true);
      expect(tab.consoleErrors).to.deep.equal([]);
    } finally {
      await tab.context.close();
    }
  });
});
