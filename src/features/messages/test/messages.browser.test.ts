// In a real Chromium: a client and a staff member, in two browser contexts, exchange messages and
// each sees the other's message appear without reloading (htmx 4's SSE extension on the event
// stream), read receipts included; axe finds no violations on the client messages page, the
// account page's email choice, the staff inbox and conversation; none of them overflows 390 px;
// no page breaks the strict CSP.
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, axeResults } from '../../../../test/support/browser-pages.ts';
import { startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';

describe('messages in Chromium', function () {
  this.timeout(120_000);
  let h: PortalHarness;
  let browser: Browser;
  let clientContext: BrowserContext;
  let staffContext: BrowserContext;
  let client: Page;
  let staff: Page;
  let clientId: string;
  const cspViolations: string[] = [];

  const watchCsp = (page: Page) =>
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
    });

  before(async function () {
    h = await startPortalHarness();
    browser = await launchChromium();
    clientContext = await browser.newContext();
    staffContext = await browser.newContext();
    client = await clientContext.newPage();
    staff = await staffContext.newPage();
    watchCsp(client);
    watchCsp(staff);

    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
    await client.goto(`${h.crm.url}/portal/demo/sign-in`);
    await client.fill('#email', login.email);
    await client.fill('#password', login.password);
    await client.press('#password', 'Enter');
    await client.waitForURL(/\/portal\/demo\/?$/);

    const admin = h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!;
    await staff.goto(`${h.crm.url}/signin`);
    await staff.fill('input[name=email]', admin.email);
    await staff.fill('input[name=password]', admin.password);
    await staff.click('button[type=submit]');
    await staff.waitForLoadState();
    const workspace = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    clientId = (await h.crm.db('client_users').where({ workspace_id: workspace.id, email: login.email }).first('client_id')).client_id;
  });
  after(async function () {
    await browser?.close();
    await h?.close();
  });

  async function expectAccessible(page: Page, label: string) {
    const results = await axeResults(page);
    const summary = results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    expect(summary, `${label} axe violations`).to.deep.equal([]);
  }

  async function expectNoOverflowAt390(page: Page, label: string) {
    const before = page.viewportSize();
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    const culprits =
      overflow > 0
        ? await page.evaluate(() =>
            [...document.querySelectorAll('body *')]
              .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth)
              .map((e) => `${e.tagName.toLowerCase()}.${e.className}`)
              .slice(0, 8),
          )
        : [];
    expect(overflow, `${label} overflows 390 px by ${overflow}px: ${culprits.join(', ')}`).to.be.at.most(0);
    if (before) await page.setViewportSize(before);
  }

  /** The page has opened its live stream (htmx's SSE extension marks the element). */
  async function streamOpen(page: Page) {
    await page.waitForFunction(
      () => Boolean((document.querySelector('#live') as (Element & { _htmx?: { sse?: unknown } }) | null)?._htmx?.sse),
      null,
      { timeout: 30_000 },
    );
  }

  it("a client and a staff member see each other's messages and receipts appear live", async function () {
    const streams = [
      client.waitForResponse((r) => r.url().includes('/portal/demo/messages/stream'), { timeout: 60_000 }),
      staff.waitForResponse((r) => r.url().includes('/client-messages/stream'), { timeout: 60_000 }),
    ];
    await client.goto(`${h.crm.url}/portal/demo/messages`);
    await staff.goto(`${h.crm.url}/client-messages/${clientId}`);
    for (const stream of await Promise.all(streams)) expect(stream.headers()['content-type']).to.match(/^text\/event-stream/);
    await streamOpen(client);
    await streamOpen(staff);

    // The client writes; the staff page shows it without a reload.
    await client.fill('#message-body', 'Hello from Maria.\nSecond line, with https://example.com/brief');
    await client.click('button:has-text("Send message")');
    await client.waitForSelector('.message--mine >> text=Hello from Maria.');
    const seenByStaffStarted = performance.now();
    await staff.waitForSelector('.message--theirs >> text=Hello from Maria.', { timeout: 5000 });
    console.log(`      client → staff page: ${(performance.now() - seenByStaffStarted).toFixed(0)} ms after the client's page showed it`);
    expect(await staff.getAttribute('.message--theirs a', 'rel')).to.equal('noopener noreferrer nofollow');

    // The staff page read it: the client's receipt turns to "Seen" live.
    await client.waitForSelector('.message__receipt[data-seen="true"]', { timeout: 5000 });

    // Staff reply; the client page shows it without a reload.
    await staff.fill('#message-body', 'Hi Maria, thanks — we are on it.');
    await staff.click('button:has-text("Send reply")');
    await client.waitForSelector('.message--theirs >> text=Hi Maria, thanks', { timeout: 5000 });
    await staff.waitForSelector('.message__receipt[data-seen="true"]', { timeout: 5000 });
    expect(cspViolations).to.deep.equal([]);
  });

  it('the client messages page and the account email choice pass axe and fit 390 px', async function () {
    await client.goto(`${h.crm.url}/portal/demo/messages`);
    await expectAccessible(client, 'client messages');
    await expectNoOverflowAt390(client, 'client messages');
    await client.click('button:has-text("Send message")');
    await client.waitForSelector('#message-body-error');
    await expectAccessible(client, 'client messages with an error');
    await client.goto(`${h.crm.url}/portal/demo/account`);
    await client.waitForSelector('#message-emails');
    await expectAccessible(client, 'account with message emails');
    await expectNoOverflowAt390(client, 'account');
  });

  it('the staff inbox and conversation pass axe and fit 390 px', async function () {
    await staff.goto(`${h.crm.url}/client-messages`);
    await expectAccessible(staff, 'staff inbox');
    await expectNoOverflowAt390(staff, 'staff inbox');
    // Finding a client to write to, by keyboard: type part of the name, Enter, follow the result.
    await staff.fill('#client-search', 'north');
    await staff.press('#client-search', 'Enter');
    await staff.waitForSelector('ul[aria-label="Clients found"] a:has-text("Northwind Traders")');
    expect(new URL(staff.url()).search).to.equal('?q=north');
    await expectAccessible(staff, 'staff inbox with clients found');
    await expectNoOverflowAt390(staff, 'staff inbox with clients found');
    await staff.goto(`${h.crm.url}/client-messages/${clientId}`);
    await expectAccessible(staff, 'staff conversation');
    await expectNoOverflowAt390(staff, 'staff conversation');
    await staff.goto(`${h.crm.url}/`);
    await expectAccessible(staff, 'CRM dashboard with the messages link');
    expect(cspViolations).to.deep.equal([]);
  });
});
