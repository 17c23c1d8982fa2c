// The sign-in page's language chooser in a real Chromium: reached and pressed by keyboard, it
// loads the page again in the language chosen (its <html lang> too), with and without
// JavaScript; the page stays free of axe findings and inside 390 px in each language.
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';
import { expectAccessibleAt390, launchChromium, pagesClosedAfterEach, tabTo } from '../../../../test/support/browser-pages.ts';

describe('choosing the language on the sign-in page in Chromium', function () {
  this.timeout(120_000);
  let h: PortalHarness;
  let browser: Browser;
  const open = pagesClosedAfterEach(() => browser);

  before(async function () {
    h = await startPortalHarness();
    browser = await launchChromium();
  });
  after(async function () {
    await browser?.close();
    await h?.close();
  });

  for (const javaScriptEnabled of [true, false]) {
    it(`switches to Deutsch, then Français, by keyboard (${javaScriptEnabled ? 'htmx' : 'no JavaScript'})`, async function () {
      const { page } = await open({ javaScriptEnabled });
      await page.goto(`${h.crm.url}/portal/demo/sign-in`);
      await page.waitForSelector('html[lang="en"]');
      await tabTo(page, '.language-choice button', 'Deutsch');
      await Promise.all([page.waitForURL(/\/sign-in$/), page.keyboard.press('Enter')]);
      await page.waitForSelector('html[lang="de"]');
      expect(await page.textContent('h1')).to.equal('Anmelden');
      expect(await page.getAttribute('.language-choice button[aria-current="true"]', 'lang')).to.equal('de');

      await tabTo(page, '.language-choice button', 'Français');
      await page.keyboard.press('Enter');
      await page.waitForSelector('html[lang="fr"]');
      expect(await page.getAttribute('.language-choice button[aria-current="true"]', 'lang')).to.equal('fr');
    });
  }

  it('keeps the sign-in page accessible and inside 390 px in every language', async function () {
    const { page } = await open({ width: 390 });
    await page.goto(`${h.crm.url}/portal/demo/sign-in`);
    for (const name of ['English', 'Deutsch', 'Français']) {
      await Promise.all([page.waitForLoadState('load'), page.click(`.language-choice button:has-text("${name}")`)]);
      await page.waitForSelector(`.language-choice button[aria-current="true"]:has-text("${name}")`);
      await expectAccessibleAt390(page, `sign-in (${name})`);
    }
  });
});
