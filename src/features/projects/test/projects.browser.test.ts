// The projects pages in Chromium: Maria García searches her projects by keyboard, opens one, and
// reads its progress from an accessible progress bar (the role progressbar with its label and
// value); the list, a project's page and the German list pass axe and do not overflow at 390 px.
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import {
  expectAccessibleAt390 as checkPage,
  openPage,
  portalInChromium,
  signInWithPassword,
  tabTo,
} from '../../../../test/support/browser-pages.ts';
import type { PortalHarness } from '../../../../test/support/portal-harness.ts';

describe('client projects in Chromium', function () {
  this.timeout(300_000);
  let h: PortalHarness;
  let browser: Browser;
  portalInChromium((started) => ({ h, browser } = started));

  it('searches, opens a project and reads its progress bar, by keyboard', async function () {
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
    const tab = await openPage(browser);
    try {
      const { page } = tab;
      await signInWithPassword(page, h.crm.url, 'demo', login);
      await page.goto(`${h.crm.url}/portal/demo/projects?tab=all`);
      await checkPage(page, 'projects list');

      await tabTo(page, '#projects-search');
      await page.keyboard.type('website');
      await Promise.all([page.waitForURL(/q=website/), page.keyboard.press('Enter')]);
      expect(page.url()).to.contain('tab=all');
      await tabTo(page, '.record__link', 'PJ-2026-001');
      await Promise.all([page.waitForURL(/\/projects\/\d+$/), page.keyboard.press('Enter')]);
      await checkPage(page, 'project page');

      // What a screen reader is told: a progress bar named "Progress" at 50 of 100.
      const bar = page.getByRole('progressbar', { name: 'Progress', exact: true });
      expect(await bar.getAttribute('value')).to.equal('50');
      expect(await bar.getAttribute('max')).to.equal('100');
      expect(await page.textContent('.project-progress__figure')).to.equal('50%');
      expect(await page.getByRole('progressbar', { name: 'Progress of Discovery' }).getAttribute('value')).to.equal('100');
      expect(await page.getByRole('heading', { level: 2 }).allTextContents()).to.include.members([
        'Discovery',
        'Design',
        'Build and launch',
      ]);

      // German words are longer: the list must still fit a phone.
      await h.crm.db('client_users').where({ email: login.email }).update({ locale: 'de' });
      await page.goto(`${h.crm.url}/portal/demo/projects?tab=all`);
      expect(await page.textContent('h1')).to.equal('Projekte');
      await checkPage(page, 'projects list, German');
      expect(tab.consoleErrors).to.deep.equal([]);
    } finally {
      await h.crm.db('client_users').where({ email: login.email }).update({ locale: null });
      await tab.context.close();
    }
  });
});
