// In a real Chromium: the staff notifications page inside the CRM's own page, with a grouped view
// and a comment from Maria García, has no axe violations and no horizontal overflow at 390 px; the
// "Mark as read" button of an entry is reached with Tab and works with Enter (post/redirect/get,
// the entry then reads as read), and the console stays free of errors.
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import {
  expectNoAxeViolations,
  expectNoOverflowAt390,
  launchChromium,
  openPage,
  staffSignIn,
  type WatchedPage,
} from '../../../../test/support/browser-pages.ts';
import { csrfFrom, type PortalHarness, signedInDemoClient, startPortalHarness } from '../../../../test/support/portal-harness.ts';

describe('the staff notifications page in Chromium', function () {
  this.timeout(180_000);
  let h: PortalHarness;
  let browser: Browser;
  let staff: WatchedPage;

  before(async function () {
    h = await startPortalHarness();
    browser = await launchChromium();
    const maria = await signedInDemoClient(h, 'maria@northwind.test');
    const invoice = await h.crm
      .db('invoices as i')
      .join('workspaces as w', 'w.id', 'i.workspace_id')
      .join('clients as c', (on) => on.on('c.workspace_id', 'i.workspace_id').andOn('c.id', 'i.client_id'))
      .where({ 'w.slug': 'demo', 'c.name': 'Northwind Traders' })
      .orderBy('i.id')
      .first('i.id');
    const href = `/portal/demo/invoices/${invoice.id}`;
    await maria.get(href).expect(200);
    const page = await maria.get(href).expect(200);
    await maria
      .post(`${href}/comments`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), body: 'Is the second instalment due in April or in May this year?' })
      .expect(303);
    staff = await openPage(browser);
    const admin = h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!;
    await staffSignIn(staff.page, h.crm.url, admin);
  });
  after(async function () {
    await staff?.context.close();
    await browser?.close();
    await h?.close();
  });

  it("fits 390 px with no axe violations, inside the CRM's header", async function () {
    await staff.page.goto(`${h.crm.url}/client-portal/notifications`);
    expect(await staff.page.locator('nav.main-nav').count(), "the CRM's navigation").to.equal(1);
    expect(await staff.page.locator('.notification__repeats').first().textContent()).to.match(
      /Viewed \d+ times, last at \d{1,2}:\d{2}\s[AP]M/,
    );
    await expectNoAxeViolations(staff.page, 'notifications');
    await expectNoOverflowAt390(staff.page, 'notifications');
    await staff.page.setViewportSize({ width: 390, height: 844 });
    await expectNoAxeViolations(staff.page, 'notifications at 390 px');
    await staff.page.setViewportSize({ width: 1200, height: 900 });
  });

  it('gives each entry’s words the whole line at 1280 px in German', async function () {
    const { page } = staff;
    await page.goto(`${h.crm.url}/client-portal/notifications/language`);
    await page.selectOption('select[name="locale"]', 'de');
    await Promise.all([page.waitForURL(/saved=1/), page.click('form:has(#staff-locale) button[type=submit]')]);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${h.crm.url}/client-portal/notifications`);
    const lines = await page.$$eval('.notification__text', (texts) =>
      texts.map((text) => Math.round(text.getBoundingClientRect().height / Number.parseFloat(getComputedStyle(text).lineHeight))),
    );
    expect(lines.length).to.be.greaterThan(0);
    expect(Math.max(...lines), `lines per entry: ${lines.join(', ')}`).to.be.at.most(2);
    await page.goto(`${h.crm.url}/client-portal/notifications/language`);
    await page.selectOption('select[name="locale"]', 'en');
    await Promise.all([page.waitForURL(/saved=1/), page.click('form:has(#staff-locale) button[type=submit]')]);
    await page.setViewportSize({ width: 1200, height: 900 });
  });

  it('reaches an entry\'s "Mark as read" button with Tab and marks it read with Enter', async function () {
    const { page } = staff;
    await page.goto(`${h.crm.url}/client-portal/notifications`);
    const unreadBefore = await page.locator('.notification--unread').count();
    expect(unreadBefore).to.be.greaterThan(0);
    let reached = false;
    for (let i = 0; i < 80 && !reached; i += 1) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => (document.activeElement?.textContent ?? '').trim().startsWith('Mark as read'));
    }
    expect(reached, 'a "Mark as read" button is reachable with Tab').to.equal(true);
    await Promise.all([page.waitForURL(/read=one/), page.keyboard.press('Enter')]);
    await page.waitForLoadState();
    await page.waitForSelector('text=Marked as read.');
    expect(await page.locator('.notification--unread').count()).to.equal(unreadBefore - 1);
    await expectNoAxeViolations(page, 'notifications after marking one read');
    expect(staff.consoleErrors).to.deep.equal([]);
  });
});
