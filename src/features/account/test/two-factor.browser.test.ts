// In a real Chromium, by keyboard alone: a client sets up two-factor (the QR page, the recovery
// codes), signs out, signs in with a password and is asked for the second factor with focus on the
// code field; a wrong code puts focus on the error summary; the right one reaches the dashboard.
// The two-factor, set-up, second-factor, recovery-code and sign-in-email pages have no axe
// violations and no horizontal overflow at 390 px, and the console shows no error (CSP included).
import { expect } from 'chai';
import { Secret, TOTP } from 'otpauth';
import type { Browser, Page } from 'playwright-core';
import { startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';
import { expectAccessible, launchChromium } from '../../../../test/support/browser-pages.ts';

describe('two-factor in Chromium', function () {
  this.timeout(300_000);
  let h: PortalHarness;
  let browser: Browser;

  before(async function () {
    h = await startPortalHarness();
    browser = await launchChromium();
  });
  after(async function () {
    await browser?.close();
    await h?.close();
  });

  const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');

  /**
   * What has focus once the page has placed it: Chromium applies autofocus in a rendering step that
   * can come after the load event, so this waits (up to 5 s) for `expected` before reading it.
   */
  async function focusOnceSettled(page: Page, expected: string): Promise<string> {
    await page.waitForFunction((id) => document.activeElement?.id === id, expected, { timeout: 5_000 }).catch(() => {});
    return focusedId(page);
  }

  /** What the portal recorded for this person, oldest first: names the path a set-up took when it ends elsewhere. */
  async function accountEvents(email: string): Promise<string> {
    const rows: { event: string; created_at: Date }[] = await h.crm
      .db('client_activity_logs')
      .where({ email })
      .orWhereIn('client_user_id', h.crm.db('client_users').select('id').where({ email }))
      .orderBy('id')
      .select('event', 'created_at');
    return rows.map((r) => `${r.created_at.toISOString()} ${r.event}`).join(', ');
  }

  /** Presses Tab until the element with this id has focus (a bounded number of times). */
  async function tabTo(page: Page, id: string) {
    for (let i = 0; i < 40; i++) {
      if ((await focusedId(page)) === id) return;
      await page.keyboard.press('Tab');
    }
    throw new Error(`Tab never reached #${id}`);
  }

  it('sets up two-factor and signs in with it by keyboard, with focus where the person types', async function () {
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo')!;
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    try {
      const base = `${h.crm.url}/portal/demo`;
      await page.goto(`${base}/sign-in`);
      await tabTo(page, 'email');
      await page.keyboard.type(login.email);
      await tabTo(page, 'password');
      await page.keyboard.type(login.password);
      await page.keyboard.press('Enter');
      await page.waitForURL(`${base}/`);

      await page.goto(`${base}/account/two-factor`);
      await expectAccessible(page, 'two-factor');
      await page.goto(`${base}/account/two-factor/setup`);
      await expectAccessible(page, 'set-up');
      const secret = (await page.textContent('#setup-secret'))!.replace(/\s+/g, '');
      const totp = new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });
      await tabTo(page, 'setup-code');
      await page.keyboard.type(totp.generate());
      await tabTo(page, 'identity-password');
      await page.keyboard.type(login.password);
      await page.keyboard.press('Enter');
      await page.waitForURL(
        (url) =>
          url.pathname.startsWith('/portal/demo/account/two-factor/recovery-codes') || url.pathname === '/portal/demo/account/two-factor',
      );
      if (!page.url().endsWith('/recovery-codes')) expect.fail(`set-up ended on ${page.url()}: ${await accountEvents(login.email)}`);
      expect(await focusOnceSettled(page, 'recovery-title')).to.equal('recovery-title');
      await expectAccessible(page, 'recovery codes');
      expect(await page.locator('.recovery-codes li').count()).to.equal(10);

      // A new sign-in stops at the second factor, with the code field focused.
      await context.clearCookies();
      await page.goto(`${base}/sign-in`);
      await tabTo(page, 'email');
      await page.keyboard.type(login.email);
      await tabTo(page, 'password');
      await page.keyboard.type(login.password);
      await page.keyboard.press('Enter');
      await page.waitForURL(`${base}/sign-in/two-factor`);
      expect(await focusOnceSettled(page, 'second-factor-code')).to.equal('second-factor-code');
      await expectAccessible(page, 'second factor');

      await page.keyboard.type('12345');
      await page.keyboard.press('Enter');
      await page.waitForSelector('#error-summary');
      expect(await focusOnceSettled(page, 'error-summary')).to.equal('error-summary');
      await expectAccessible(page, 'second factor with an error');

      await tabTo(page, 'second-factor-code');
      await page.keyboard.press('Control+A');
      // The next step's code: the set-up code was used for this one.
      await page.keyboard.type(totp.generate({ timestamp: (Math.floor(Date.now() / 30_000) + 1) * 30_000 }));
      await page.keyboard.press('Enter');
      await page.waitForURL(`${base}/`);

      await page.goto(`${base}/account/email`);
      await expectAccessible(page, 'sign-in email');
      expect(consoleErrors).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });

  it('shows the sign-in email confirmation page accessibly at 390 px', async function () {
    const login = h.crm.clientLogins.filter((l) => l.workspaceSlug === 'demo')[1]!;
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    try {
      const base = `${h.crm.url}/portal/demo`;
      await page.goto(`${base}/sign-in`);
      await page.fill('#email', login.email);
      await page.fill('#password', login.password);
      await page.press('#password', 'Enter');
      await page.waitForURL(`${base}/`);
      await page.goto(`${base}/account/email`);
      await page.fill('#new-email', 'a-new-address@example.test');
      await page.fill('#identity-password', login.password);
      await page.press('#identity-password', 'Enter');
      // The confirmation page, or the form again with what stopped it: said in the failure.
      await page.waitForSelector('#email-code, #error-summary', { timeout: 60_000 });
      const summary = page.locator('#error-summary');
      const refused = (await summary.count()) > 0 ? await summary.textContent() : null;
      expect(refused, 'the new address was refused').to.equal(null);
      await page.waitForURL(`${base}/account/email/confirm`);
      expect(await focusOnceSettled(page, 'email-code')).to.equal('email-code');
      await expectAccessible(page, 'sign-in email confirmation');
      await page.keyboard.type('000000');
      await page.keyboard.press('Enter');
      await page.waitForSelector('#error-summary');
      expect(await focusOnceSettled(page, 'error-summary')).to.equal('error-summary');
      await expectAccessible(page, 'sign-in email confirmation with an error');
      expect(consoleErrors).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });
});
