// Where focus lands after an htmx swap, in a real Chromium, and that the change is announced in the
// polite live region: a failed sign-in and a failed account save put focus on the invalid field
// (or the error summary); a comment posted on a proposal focuses the refreshed comments; a message
// sent leaves focus in the emptied message field. Focus never falls back to <body>. Any console
// error fails the test.
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import type { PortalHarness } from '../support/portal-harness.ts';
import { announced, focused, portalInChromium, openPage, signInWithPassword, type WatchedPage } from '../support/browser-pages.ts';

describe('focus and announcements after htmx swaps in Chromium', function () {
  this.timeout(120_000);
  let h: PortalHarness;
  let browser: Browser;
  let tab: WatchedPage;
  portalInChromium((started) => ({ h, browser } = started));
  beforeEach(async function () {
    await h.crm.db('portal_rate_limits').delete();
    tab = await openPage(browser);
  });
  afterEach(async function () {
    await tab.context.close();
    expect(tab.consoleErrors).to.deep.equal([]);
  });

  const maria = () => h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;

  it('a failed sign-in moves focus to the invalid field and announces the error', async function () {
    const { page } = tab;
    await page.goto(`${h.crm.url}/portal/demo/sign-in`);
    await page.fill('#email', maria().email);
    await page.fill('#password', 'not-the-password');
    await page.click('button:has-text("Sign in")');
    await page.waitForSelector('#password-error');
    await page.waitForFunction(() => document.activeElement !== document.body);
    expect(await focused(page)).to.match(/^(input#password|p#sign-in-alert)/);
    expect(await announced(page)).to.not.equal('');
  });

  it('a sign-in announces the page it lands on, never the sign-in page left', async function () {
    const { page } = tab;
    await signInWithPassword(page, h.crm.url, 'demo', maria());
    const said = await announced(page);
    expect(said).to.equal(await page.title());
    expect(said).not.to.match(/^Sign in/);
  });

  it('a failed account save moves focus to the invalid field and announces its message', async function () {
    const { page } = tab;
    await signInWithPassword(page, h.crm.url, 'demo', maria());
    await page.goto(`${h.crm.url}/portal/demo/account`);
    await page.fill('#profile-name', '');
    await page.click('button:has-text("Save profile")');
    await page.waitForSelector('#profile-name-error');
    await page.waitForFunction(() => document.activeElement !== document.body);
    expect(await focused(page)).to.match(/^(input#profile-name|.*error-summary)/);
    const message = (await page.textContent('#profile-name-error'))!.trim();
    expect(await announced(page)).to.contain(message);
  });

  it('a comment posted on a proposal focuses the refreshed comments', async function () {
    const { page } = tab;
    await signInWithPassword(page, h.crm.url, 'demo', maria());
    await page.goto(`${h.crm.url}/portal/demo/proposals`);
    await page.click('.record__link');
    await page.waitForSelector('#comment-body');
    await page.fill('#comment-body', 'Focus check: could we start in March?');
    await page.click('#comments button[type="submit"]');
    await page.waitForSelector('.comment:has-text("Focus check: could we start in March?")');
    await page.waitForFunction(() => document.activeElement !== document.body);
    expect(await focused(page)).to.match(/^section#comments/);
    expect(await announced(page)).to.equal((await page.textContent('#comments-title'))!.trim());
  });

  it('a message sent leaves focus in the emptied message field', async function () {
    const { page } = tab;
    await signInWithPassword(page, h.crm.url, 'demo', maria());
    await page.goto(`${h.crm.url}/portal/demo/messages`);
    await page.fill('#message-body', 'Focus check message.');
    await page.click('#message-form button[type="submit"]');
    await page.waitForFunction(() => (document.querySelector('#message-body') as HTMLTextAreaElement | null)?.value === '');
    await page.waitForFunction(() => document.activeElement !== document.body);
    expect(await focused(page)).to.match(/^textarea#message-body/);
    expect(await announced(page)).to.equal('Updated.');
  });

  it('a message of only spaces keeps what was typed, focuses the message field and announces the error', async function () {
    const { page } = tab;
    await signInWithPassword(page, h.crm.url, 'demo', maria());
    await page.goto(`${h.crm.url}/portal/demo/messages`);
    await page.fill('#message-body', '   ');
    await page.click('#message-form button[type="submit"]');
    await page.waitForSelector('#message-body-error');
    await page.waitForFunction(() => document.activeElement !== document.body);
    expect(await focused(page)).to.match(/^(textarea#message-body|.*error-summary)/);
    const message = (await page.textContent('#message-body-error'))!.trim();
    expect(await announced(page)).to.contain(message);
  });
});
