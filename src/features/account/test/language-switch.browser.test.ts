// In a real Chromium, with htmx and without JavaScript: choosing German on the account page shows
// the confirmation, the page and its <html lang> in German at once. And the German page at 390 px:
// the language and time zone selects stay inside their card, the zone chosen under its current name.
import { expect } from 'chai';
import type { Browser, BrowserContext } from 'playwright-core';
import { startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';
import { expectNoOverflowAt390, launchChromium, openPage, signInWithPassword } from '../../../../test/support/browser-pages.ts';

describe('switching the language in Chromium', function () {
  this.timeout(120_000);
  let h: PortalHarness;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  before(async function () {
    h = await startPortalHarness();
    browser = await launchChromium();
  });
  after(async function () {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await h?.close();
  });

  for (const javaScriptEnabled of [true, false]) {
    it(`answers in German after choosing German (${javaScriptEnabled ? 'htmx' : 'no JavaScript'})`, async function () {
      const { context, page, consoleErrors } = await openPage(browser, { javaScriptEnabled });
      contexts.push(context);
      const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
      await signInWithPassword(page, h.crm.url, 'demo', login);
      await page.goto(`${h.crm.url}/portal/demo/account`);
      await page.selectOption('#preferences-locale', 'en');
      await Promise.all([page.waitForURL(/notice=preferences-saved|\/account$/), page.click('#preferences button[type=submit]')]);
      // The page was at /account already: the saved notice, not the address, says the first save
      // came back (a second submit while it is in flight is one htmx drops).
      await page.waitForSelector('.notice:has-text("Your language and time zone are saved.")');
      await page.waitForSelector('html[lang="en"]');

      await page.selectOption('#preferences-locale', 'de');
      await page.click('#preferences button[type=submit]');
      await page.waitForSelector('html[lang="de"]');
      await page.waitForSelector('.notice:has-text("Ihre Sprache und Zeitzone sind gespeichert.")');
      expect(await page.textContent('h1')).to.not.equal('Account');
      expect(consoleErrors).to.deep.equal([]);
    });
  }

  it('keeps the German preferences inside a 390 px screen, the zones grouped with their offsets', async function () {
    const { context, page, consoleErrors } = await openPage(browser, { javaScriptEnabled: true });
    contexts.push(context);
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'priya@bluebell.test')!;
    await page.setViewportSize({ width: 390, height: 844 });
    await signInWithPassword(page, h.crm.url, 'demo', login);
    await page.goto(`${h.crm.url}/portal/demo/account`);
    await page.selectOption('#preferences-locale', 'de');
    await page.selectOption('#preferences-time-zone', 'Asia/Kolkata');
    await page.click('#preferences button[type=submit]');
    await page.waitForSelector('html[lang="de"]');
    await page.waitForSelector('.notice:has-text("Ihre Sprache und Zeitzone sind gespeichert.")');
    expect(await page.$eval('#preferences-time-zone option:checked', (o) => o.textContent)).to.equal('(UTC+05:30) Kolkata');
    expect(await page.$eval('#preferences-time-zone option:checked', (o) => (o.parentElement as HTMLOptGroupElement).label)).to.equal(
      'Asien',
    );
    const card = await page.$eval('#preferences', (e) => e.getBoundingClientRect().right);
    for (const select of ['#preferences-locale', '#preferences-time-zone'])
      expect(await page.$eval(select, (e) => e.getBoundingClientRect().right), select).to.be.at.most(card);
    await expectNoOverflowAt390(page, 'account (German)');
    expect(consoleErrors).to.deep.equal([]);
  });
});
