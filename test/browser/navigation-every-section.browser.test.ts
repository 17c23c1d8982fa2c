// The top navigation at 1280 px when a workspace has every section on (as the demo has), in a real
// Chromium: the row uses the width a 1280 px screen has, so more sections are links of the row
// than behind "More"; an agency's answer in the messages is counted on Messages, where the client
// goes to read it, and on Notifications, both kept in the row, so More carries no count.
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { expectNoAxeViolations, openPage, portalInChromium, signInWithPassword } from '../support/browser-pages.ts';
import { csrfFrom, signedInStaffAgent, type PortalHarness } from '../support/portal-harness.ts';

/** What the row shows at this width once portal.js has fitted it. */
function fitted(page: Page) {
  return page.evaluate(() => {
    const row = document.querySelector<HTMLElement>('.portal-nav__row')!;
    const inRow = [...row.querySelectorAll(':scope > li:not(.portal-nav__more) > a')].map((a) => a.textContent!.trim());
    const behindMore = [...row.querySelectorAll('.portal-nav__more-list a')].map((a) => a.textContent!.trim());
    const more = row.querySelector<HTMLElement>('.portal-nav__more')!;
    return { inRow, behindMore, moreLabel: more.hidden ? null : more.querySelector('button')!.textContent!.trim() };
  });
}

describe('the top navigation with every section on, in Chromium', function () {
  this.timeout(300_000);
  let h: PortalHarness;
  let browser: Browser;
  portalInChromium((started) => ({ h, browser } = started));

  const maria = () => h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;

  before(async function () {
    const workspace = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    await h.crm
      .db('workspace_client_portal_settings')
      .insert({
        workspace_id: workspace.id,
        show_tickets: true,
        show_approvals: true,
        show_requests: true,
        show_appointments: true,
        show_orders: true,
        show_devices: true,
        show_contracts: true,
      })
      .onConflict('workspace_id')
      .merge();
    await h.crm.portal.workspaceChanged(workspace.id);
    // The agency answers in the messages: Maria has one unread notification, of a message.
    const user = await h.crm.db('client_users').where({ workspace_id: workspace.id, email: maria().email }).first('client_id');
    const staff = await signedInStaffAgent(h, 'demo');
    const page = await staff.get(`/client-messages/${user.client_id}`).expect(200);
    await staff
      .post(`/client-messages/${user.client_id}`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), body: 'Your files are ready.' })
      .expect(303);
  });

  it('shows most sections in the row at 1280 px, and the unread message on Messages, not on More', async function () {
    const tab = await openPage(browser, { width: 1280 });
    const { page } = tab;
    try {
      await signInWithPassword(page, h.crm.url, 'demo', maria());
      await page.waitForSelector('.portal-nav--fitted', { state: 'attached' });
      const shape = await fitted(page);
      expect(shape.inRow.length + shape.behindMore.length, 'every item, once').to.equal(18);
      // Measured: ten items in the row (seven while the row kept to the page's 64rem), among them
      // both counts; eight behind More.
      expect(shape.inRow.length, `in the row: ${shape.inRow.join(', ')}`).to.be.at.least(10);
      expect(shape.inRow).to.include('Messages (1 unread)').and.include('Notifications (1 unread)');
      expect(shape.moreLabel, 'no count on More: what it counts is in the row').to.equal('More');
      await expectNoAxeViolations(page, 'navigation with every section at 1280 px');
      expect(tab.consoleErrors).to.deep.equal([]);
    } finally {
      await tab.context.close();
    }
  });
});
