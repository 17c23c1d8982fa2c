// In a real Chromium: a client signs in with a code read from the SMTP server, sees the branded
// dashboard, signs out; axe finds no accessibility violations on the sign-in, code, dashboard and
// account pages; the sign-in form works by keyboard alone.
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { sixDigitCode, startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';
import { launchChromium, axeResults } from '../../../../test/support/browser-pages.ts';

describe('the portal in Chromium', function () {
  this.timeout(60_000);
  let h: PortalHarness;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const cspViolations: string[] = [];

  before(async function () {
    h = await startPortalHarness();
    browser = await launchChromium();
  });
  after(async function () {
    await browser?.close();
    await h?.close();
  });
  beforeEach(async function () {
    context = await browser.newContext();
    page = await context.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
    });
  });
  afterEach(async function () {
    await context.close();
  });

  async function expectNoAxeViolations(label: string) {
    const results = await axeResults(page);
    const summary = results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    expect(summary, `${label} axe violations`).to.deep.equal([]);
  }

  it('signs in with an emailed code, shows the branded dashboard, and signs out', async function () {
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo')!;
    await page.goto(`${h.crm.url}/portal/demo/sign-in`);
    expect(await page.title()).to.contain('Sign in');
    await expectNoAxeViolations('sign-in');

    await page.fill('#email', login.email);
    await page.click('text=Email me a one-time code instead');
    await page.waitForSelector('#code');
    await expectNoAxeViolations('code entry');
    const message = await h.smtp.waitForMessage((m) => m.to.includes(login.email), 5000);
    await page.fill('#code', sixDigitCode(message.subject));
    await page.click('button:has-text("Sign in")');
    await page.waitForSelector('#dashboard-title');

    const heading = await page.textContent('#dashboard-title');
    expect(heading).to.contain(login.name.split(' ')[0]);
    const brand = await page.evaluate(() => getComputedStyle(document.querySelector('.portal-header')!).backgroundColor);
    expect(brand).to.equal('rgb(47, 91, 211)'); // the demo workspace's #2f5bd3
    expect(await page.textContent('.brand__title')).to.contain('Demo Agency');
    await expectNoAxeViolations('dashboard');

    // With every section on, Account may wait behind More.
    if ((await page.locator('nav a:visible:has-text("Account")').count()) === 0) await page.click('.portal-nav__more-toggle');
    await page.click('nav a:visible:has-text("Account")');
    await page.waitForSelector('#sessions-title');
    await expectNoAxeViolations('account');

    await page.click('button:has-text("Sign out")');
    await page.waitForSelector('#sign-in-title');
    expect(await page.textContent('.notice')).to.contain('You have signed out.');
    await page.goto(`${h.crm.url}/portal/demo/`);
    expect(page.url()).to.contain('/portal/demo/sign-in');
    expect(cspViolations).to.deep.equal([]);
  });

  it('works by keyboard alone: skip link, then the password form', async function () {
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo')!;
    await page.goto(`${h.crm.url}/portal/demo/sign-in`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).to.equal('Skip to content');
    await page.focus('#email');
    await page.keyboard.type(login.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(login.password);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#dashboard-title');
    expect(page.url()).to.match(/\/portal\/demo\/$/);
  });

  it('shows the admin pages inside the CRM without violations', async function () {
    const admin = h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!;
    await page.goto(`${h.crm.url}/signin`);
    await page.fill('input[name=email]', admin.email);
    await page.fill('input[name=password]', admin.password);
    await page.click('button[type=submit]');
    await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
    for (const path of ['/settings/client-portal', '/settings/client-portal/clients', '/settings/client-portal/activity']) {
      const response = await page.goto(`${h.crm.url}${path}`);
      expect(response?.status(), path).to.equal(200);
      await expectNoAxeViolations(path);
    }
    await page.goto(`${h.crm.url}/settings/client-portal`);
    await page.uncheck('#setting-showTasks');
    await page.click('button:has-text("Save settings")');
    await page.waitForURL(/saved=1/);
    await expectNoAxeViolations('settings saved');
    expect(cspViolations).to.deep.equal([]);
  });

  it('shows the branded 404 page without violations', async function () {
    const response = await page.goto(`${h.crm.url}/portal/no-such-agency/sign-in`);
    expect(response?.status()).to.equal(404);
    await expectNoAxeViolations('404 of an unknown workspace');
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo')!;
    await page.goto(`${h.crm.url}/portal/demo/sign-in`);
    await page.fill('#email', login.email);
    await page.fill('#password', login.password);
    await page.click('button:has-text("Sign in")');
    await page.waitForSelector('#dashboard-title');
    const branded = await page.goto(`${h.crm.url}/portal/demo/nowhere`);
    expect(branded?.status()).to.equal(404);
    expect(await page.textContent('.brand__title')).to.contain('Demo Agency');
    await expectNoAxeViolations('branded 404');
  });
});
