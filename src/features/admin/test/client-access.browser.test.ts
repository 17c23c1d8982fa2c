// The access pages in Chromium, by keyboard only: a workspace admin opens a person's access page
// from the clients page, chooses the Billing role, reviews the change and confirms it, and the
// person's portal loses its proposals at once; the roles page creates a role. A client admin
// manages a colleague end to end on the team page: invites him, gives him a role, disables him
// after the confirmation; asks the agency for a new colleague, whom staff add and invite from the
// request's page. Every page on the way passes axe and does not overflow at 390 px, the role
// selects of the team's forms (a colleague's role, an invitation's) among them.
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

describe('client access pages in Chromium', function () {
  this.timeout(300_000);
  let h: PortalHarness;
  let browser: Browser;
  portalInChromium((started) => ({ h, browser } = started));

  const maria = () => h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
  const admin = () => h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!;

  it('gives a person the Billing role by keyboard, after a review, and their portal follows', async function () {
    const workspace = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    const user = await h.crm.db('client_users').where({ workspace_id: workspace.id, email: maria().email }).first('id', 'client_id');
    const staffTab = await openPage(browser);
    const clientTab = await openPage(browser);
    try {
      const { page } = staffTab;
      await staffSignIn(page, h.crm.url, admin());
      await page.goto(`${h.crm.url}${ADMIN}/clients`);
      await tabTo(page, `a[href="${ADMIN}/clients/${user.id}/access"]`);
      await Promise.all([page.waitForURL(/\/access$/), page.keyboard.press('Enter')]);
      await page.waitForSelector('#access-table');
      await checkPage(page, 'person access');

      // Tab reaches a radio group at its chosen role; the arrow keys move within it and choose.
      await tabTo(page, '#role-full');
      await page.keyboard.press('ArrowDown');
      expect(await page.isChecked('#role-billing')).to.equal(true);
      await tabTo(page, 'button', 'Review the change');
      await Promise.all([page.waitForSelector('#confirm-title'), page.keyboard.press('Enter')]);
      expect(await page.textContent('.confirm')).to.contain('Role: Full access → Billing.');
      await checkPage(page, 'access change review');
      await tabTo(page, 'button', 'Save the change');
      await Promise.all([page.waitForURL(/saved=1/), page.keyboard.press('Enter')]);
      expect(await page.textContent('.notice')).to.contain('Saved.');
      expect(await page.textContent('#access-table')).to.contain('Hidden: role Billing');

      await signInWithPassword(clientTab.page, h.crm.url, 'demo', maria());
      const nav = await clientTab.page.textContent('nav');
      expect(nav).to.contain('Invoices');
      expect(nav).not.to.contain('Proposals');
      const proposals = await clientTab.page.goto(`${h.crm.url}/portal/demo/proposals`);
      expect(proposals?.status()).to.equal(404);

      // "View as" Maria: a proposal her role hides, and an invoice she sees.
      const proposal = await h.crm
        .db('proposals')
        .where({ workspace_id: Number(workspace.id), client_id: Number(user.client_id) })
        .whereNot('status', 'draft')
        .first('id');
      const invoice = await h.crm
        .db('invoices')
        .where({ workspace_id: Number(workspace.id), client_id: Number(user.client_id) })
        .whereNot('status', 'draft')
        .first('id');
      await page.goto(
        `${h.crm.url}${ADMIN}/records/proposal/${String(user.client_id)}/${String(proposal.id)}/as-client?as=${String(user.id)}`,
      );
      expect(await page.textContent('#hidden-title')).to.contain('does not see this proposal');
      await checkPage(page, 'view as a person, hidden');
      await page.goto(
        `${h.crm.url}${ADMIN}/records/invoice/${String(user.client_id)}/${String(invoice.id)}/as-client?as=${String(user.id)}`,
      );
      await checkPage(page, 'view as a person');

      await page.goto(`${h.crm.url}${ADMIN}/companies/${encodeURIComponent(String(user.client_id))}/access`);
      await page.waitForSelector('#company-people');
      await checkPage(page, 'company access');

      await page.goto(`${h.crm.url}${ADMIN}/roles`);
      await checkPage(page, 'roles');
      await tabTo(page, '#role-name');
      await page.keyboard.type('Accounts payable');
      await tabTo(page, '#new-role-invoices');
      await page.keyboard.press('Space');
      await tabTo(page, 'button', 'Create the role');
      await Promise.all([page.waitForURL(/notice=created/), page.keyboard.press('Enter')]);
      await page.click('a:has-text("Accounts payable")');
      await page.waitForSelector('h1:has-text("Role Accounts payable")');
      await checkPage(page, 'role');
      expect(staffTab.consoleErrors).to.deep.equal([]);
      expect(clientTab.consoleErrors.filter((e) => !e.includes('404'))).to.deep.equal([]);
    } finally {
      await h.crm.db('client_users').where({ workspace_id: workspace.id, id: user.id }).update({ role: 'full' });
      await staffTab.context.close();
      await clientTab.context.close();
    }
  });

  it("shows a client admin's team as stacked cards on a phone: every role choice and action on screen", async function () {
    const workspace = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    const user = await h.crm.db('client_users').where({ workspace_id: workspace.id, email: maria().email }).first('id');
    await h.crm.db('client_users').where({ workspace_id: workspace.id, id: user.id }).update({ role: 'admin' });
    const tab = await openPage(browser, { width: 390 });
    const { page } = tab;
    try {
      await signInWithPassword(page, h.crm.url, 'demo', maria());
      await page.goto(`${h.crm.url}/portal/demo/team`);
      await page.waitForSelector('.team-table');
      await checkPage(page, 'team at 390 px');
      // The table scrolls inside its card where it does not fit; nothing of it may need that here.
      const hidden = await page.evaluate(() => {
        const width = document.documentElement.clientWidth;
        const scroller = document.querySelector('.team-table')!.closest('.table-scroll')!;
        const offScreen = [...document.querySelectorAll('.team-table select, .team-table button, .team-table a')]
          .filter((e) => e.getBoundingClientRect().right > Math.min(width, scroller.getBoundingClientRect().right) + 0.5)
          .map((e) => e.textContent?.trim() || e.id);
        return { scrolls: scroller.scrollWidth - scroller.clientWidth, offScreen };
      });
      expect(hidden).to.deep.equal({ scrolls: 0, offScreen: [] });
      // A role select is a form control like the others: as tall as a finger needs, drawn as the fields are.
      const selects = await page.evaluate(() =>
        [...document.querySelectorAll('.team-table select')].map((e) => ({
          tall: e.getBoundingClientRect().height >= 44,
          drawnAsField: getComputedStyle(e).borderTopColor === 'rgb(138, 147, 163)',
        })),
      );
      expect(selects).to.have.length.greaterThan(0);
      // Tom is not invited yet: his invitation asks for a role too, and that select is held to the same.
      expect(await page.locator('.team-table select[id$="-invite-role"]').count(), 'role selects of invitations').to.be.greaterThan(0);
      expect(selects.filter((select) => !select.tall || !select.drawnAsField)).to.deep.equal([]);
      expect(await page.locator('.team-table button', { hasText: 'Change role' }).count()).to.be.greaterThan(0);
      expect(tab.consoleErrors).to.deep.equal([]);
    } finally {
      await h.crm.db('client_users').where({ workspace_id: workspace.id, id: user.id }).update({ role: 'full' });
      await tab.context.close();
    }
  });

  it('lets a client admin invite a colleague, change his role and disable him, by keyboard', async function () {
    const workspace = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    const user = await h.crm.db('client_users').where({ workspace_id: workspace.id, email: maria().email }).first('id');
    await h.crm.db('client_users').where({ workspace_id: workspace.id, id: user.id }).update({ role: 'admin' });
    const [tom] = await h.crm.adapter.contacts.findByEmail(workspace.id, 'tom@northwind.test');
    const tab = await openPage(browser);
    const { page } = tab;
    try {
      await signInWithPassword(page, h.crm.url, 'demo', maria());
      // Past the links that fit the row, the navigation's "More" opens the rest, Team among them.
      await tabTo(page, 'a[href="/portal/demo/team"], .portal-nav__more-toggle');
      if (await page.evaluate(() => document.activeElement?.matches('.portal-nav__more-toggle'))) {
        await page.keyboard.press('Enter');
        await tabTo(page, 'a[href="/portal/demo/team"]');
      }
      await Promise.all([page.waitForURL(/\/team$/), page.keyboard.press('Enter')]);
      await page.waitForSelector('.team-table');
      await checkPage(page, 'team');

      await tabTo(page, 'button', 'Invite');
      await Promise.all([page.waitForURL(/notice=invited/), page.keyboard.press('Enter')]);
      expect(await page.textContent('.notice')).to.contain('Invitation sent.');
      const tomRow = page.locator('tr', { hasText: 'Tom Becker' });
      expect(await tomRow.textContent()).to.contain('Invited');

      const select = tomRow.locator('select');
      const selectId = await select.getAttribute('id');
      await tabTo(page, `#${selectId}`);
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      // full → billing (the list starts at client admin; Tom has full access)
      expect(await select.inputValue()).to.equal('member');
      await page.keyboard.press('ArrowUp');
      expect(await select.inputValue()).to.equal('billing');
      await page.keyboard.press('Tab');
      await Promise.all([page.waitForURL(/notice=role/), page.keyboard.press('Enter')]);
      expect(await page.locator('tr', { hasText: 'Tom Becker' }).locator('select').inputValue()).to.equal('billing');

      await tabTo(page, 'a', 'Disable access: Tom Becker');
      await Promise.all([page.waitForURL(/\/disable$/), page.keyboard.press('Enter')]);
      await checkPage(page, 'team disable confirmation');
      await tabTo(page, 'button', 'Disable access');
      await Promise.all([page.waitForURL(/notice=disabled/), page.keyboard.press('Enter')]);
      expect(await page.locator('tr', { hasText: 'Tom Becker' }).textContent()).to.contain('Disabled');
      const tomUser = await h.crm.db('client_users').where({ workspace_id: workspace.id, contact_id: tom!.id }).first('status', 'role');
      expect(tomUser).to.deep.equal({ status: 'disabled', role: 'billing' });
      expect(tab.consoleErrors).to.deep.equal([]);
    } finally {
      await h.crm.db('client_users').where({ workspace_id: workspace.id, id: user.id }).update({ role: 'full' });
      await tab.context.close();
    }
  });

  it('asks the agency for a new colleague by keyboard; staff add and invite them from the request’s page', async function () {
    const workspace = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    const user = await h.crm.db('client_users').where({ workspace_id: workspace.id, email: maria().email }).first('id');
    await h.crm.db('client_users').where({ workspace_id: workspace.id, id: user.id }).update({ role: 'admin' });
    const clientTab = await openPage(browser);
    const staffTab = await openPage(browser);
    const { page } = clientTab;
    try {
      await signInWithPassword(page, h.crm.url, 'demo', maria());
      await page.goto(`${h.crm.url}/portal/demo/team`);
      // A wrong address first: the error summary and the field say so, the name stays.
      await tabTo(page, '#request-name');
      await page.keyboard.type('Lena Vogt');
      await tabTo(page, '#request-email');
      await page.keyboard.type('lena@');
      await tabTo(page, 'button', 'Ask your agency');
      await Promise.all([page.waitForSelector('.error-summary'), page.keyboard.press('Enter')]);
      expect(await page.inputValue('#request-name')).to.equal('Lena Vogt');
      expect(await page.getAttribute('#request-email', 'aria-invalid')).to.equal('true');
      await checkPage(page, 'team, a request with an error');
      await tabTo(page, '#request-email');
      await page.keyboard.press('Control+A');
      await page.keyboard.type('lena@northwind.test');
      await tabTo(page, '#request-note');
      await page.keyboard.type('Our new designer');
      await tabTo(page, 'button', 'Ask your agency');
      await Promise.all([page.waitForURL(/notice=requested/), page.keyboard.press('Enter')]);
      expect(await page.textContent('#team-requests')).to.contain('Waiting for your agency');
      await checkPage(page, 'team with a request');

      const staff = staffTab.page;
      await staffSignIn(staff, h.crm.url, admin());
      await staff.goto(`${h.crm.url}${ADMIN}/colleague-requests`);
      await checkPage(staff, 'colleague requests');
      await tabTo(staff, 'a', 'Lena Vogt');
      await Promise.all([staff.waitForSelector('#decide-title'), staff.keyboard.press('Enter')]);
      expect(await staff.textContent('main')).to.contain('Our new designer');
      await checkPage(staff, 'colleague request');
      await tabTo(staff, 'button', 'Add and invite');
      await Promise.all([staff.waitForURL(/notice=added/), staff.keyboard.press('Enter')]);

      await page.goto(`${h.crm.url}/portal/demo/team`);
      expect(await page.locator('tr', { hasText: 'Lena Vogt' }).first().textContent()).to.contain('Invited');
      // The one error Chromium reports is the refused form's own answer (400), on purpose.
      expect(clientTab.consoleErrors.map((e) => e.replace(/^http:\/\/[^/]+/, ''))).to.deep.equal([
        '/portal/demo/team: Failed to load resource: the server responded with a status of 400 (Bad Request)',
      ]);
      expect(staffTab.consoleErrors).to.deep.equal([]);
    } finally {
      await h.crm.db('client_users').where({ workspace_id: workspace.id, id: user.id }).update({ role: 'full' });
      await clientTab.context.close();
      await staffTab.context.close();
    }
  });
});
