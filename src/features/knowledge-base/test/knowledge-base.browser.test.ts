// The knowledge base in a real Chromium: axe finds no violations and nothing overflows at 390 px on
// the list, a topic, a search, an article and the German list; on the new-ticket form, typing a
// subject brings matching help articles into the polite live region after the debounce, each a
// link that opens in a new tab (said to screen readers), while what was typed stays in the form.
// The agency's page of answers per article (admin) has no axe violations and no overflow at 390 px,
// with its table and period filter, in English and German.
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import {
  expectAccessibleAt390,
  pagesClosedAfterEach,
  portalInChromium,
  signInWithPassword,
  staffSignIn,
} from '../../../../test/support/browser-pages.ts';
import type { PortalHarness } from '../../../../test/support/portal-harness.ts';

describe('knowledge base in Chromium', function () {
  this.timeout(120_000);
  let h: PortalHarness;
  let browser: Browser;
  let workspaceId: number;
  portalInChromium((started) => ({ h, browser } = started));
  const open = pagesClosedAfterEach(() => browser);
  const maria = () => h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;

  before(async function () {
    workspaceId = (await h.crm.db('workspaces').where({ slug: 'demo' }).first('id')).id;
    await h.crm.db('workspace_client_portal_settings').insert({ workspace_id: String(workspaceId), show_tickets: true });
    await h.crm.portal.workspaceChanged(String(workspaceId));
  });

  it('has no axe violations and no overflow at 390 px, in English and German', async function () {
    const { page } = await open({ width: 390 });
    await signInWithPassword(page, h.crm.url, 'demo', maria());
    const article = await h.crm
      .db('kb_articles')
      .where({ workspace_id: workspaceId, title: 'How to pay an invoice by bank transfer' })
      .first('id', 'category_id');
    const urls = [
      '/knowledge',
      `/knowledge?category=${article.category_id}`,
      '/knowledge?q=password',
      '/knowledge?q=nothing-like-it',
      `/knowledge/${article.id}`,
    ];
    for (const url of urls) {
      await page.goto(`${h.crm.url}/portal/demo${url}`);
      await expectAccessibleAt390(page, url);
    }
    // "Was this helpful?" by htmx: the answer swaps in place, the page stays, and still holds at 390 px.
    const pageUrl = page.url();
    await page.getByRole('button', { name: 'Yes' }).click();
    await page.waitForSelector('#helpful [role="status"]');
    expect(await page.textContent('#helpful [role="status"]')).to.contain('you found this helpful');
    expect(await page.getByRole('button', { name: 'Yes' }).getAttribute('aria-pressed')).to.equal('true');
    expect(page.url()).to.equal(pageUrl);
    await expectAccessibleAt390(page, 'article after an answer');
    await h.crm
      .db('portal_knowledge_votes')
      .where({ workspace_id: String(workspaceId) })
      .delete();
    await h.crm
      .db('client_users')
      .where({ workspace_id: String(workspaceId), email: maria().email })
      .update({ locale: 'de' });
    try {
      await page.goto(`${h.crm.url}/portal/demo/knowledge`);
      expect(await page.textContent('h1')).to.equal('Hilfe');
      await expectAccessibleAt390(page, 'German list');
      await page.goto(`${h.crm.url}/portal/demo/knowledge/${article.id}`);
      expect(await page.textContent('h1')).to.equal('Eine Rechnung per Überweisung bezahlen');
      await expectAccessibleAt390(page, 'German article');
    } finally {
      await h.crm
        .db('client_users')
        .where({ workspace_id: String(workspaceId), email: maria().email })
        .update({ locale: null });
    }
  });

  it('shows the agency the answers per article without axe violations or overflow at 390 px, in English and German', async function () {
    const articles = await h.crm
      .db('kb_articles')
      .where({ workspace_id: workspaceId, status: 'published' })
      .orderBy('id')
      .limit(3)
      .select('id');
    await h.crm.db('portal_knowledge_votes').insert([
      ...articles.flatMap((article: { id: number }, index: number) =>
        Array.from({ length: index + 2 }, (_, n) => ({
          workspace_id: String(workspaceId),
          article_id: String(article.id),
          client_user_id: `00000000-0000-4000-8000-${String(index * 10 + n).padStart(12, '0')}`,
          helpful: n % 3 === 0,
        })),
      ),
      // An article since removed from the CRM.
      { workspace_id: String(workspaceId), article_id: '999999', client_user_id: '00000000-0000-4000-8000-000000000999', helpful: false },
    ]);
    const { page, consoleErrors } = await open({ width: 390 });
    try {
      await staffSignIn(page, h.crm.url, h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!);
      await page.goto(`${h.crm.url}/settings/client-portal/help-feedback`);
      expect(await page.textContent('h1')).to.equal('Help article feedback');
      expect(await page.locator('tbody tr').count()).to.equal(4);
      await expectAccessibleAt390(page, 'help article feedback');
      // The period filter, by htmx: the table swaps in place.
      await page.selectOption('#help-feedback-period', '30d');
      await Promise.all([page.waitForURL(/period=30d/), page.click('form.filters button[type=submit]')]);
      await expectAccessibleAt390(page, 'help article feedback, last 30 days');
      expect(consoleErrors).to.deep.equal([]);
      // A German browser, the staff member having chosen no language of their own.
      const german = await open({ width: 390, locale: 'de-DE' });
      await staffSignIn(german.page, h.crm.url, h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!);
      await german.page.goto(`${h.crm.url}/settings/client-portal/help-feedback`);
      expect(await german.page.textContent('h1')).to.equal('Rückmeldungen zu Hilfeartikeln');
      await expectAccessibleAt390(german.page, 'help article feedback in German');
    } finally {
      await h.crm
        .db('portal_knowledge_votes')
        .where({ workspace_id: String(workspaceId) })
        .delete();
    }
  });

  it('suggests help articles as the subject is typed, opening in a new tab, the form kept', async function () {
    const { page, consoleErrors } = await open({ width: 390 });
    await signInWithPassword(page, h.crm.url, 'demo', maria());
    await page.goto(`${h.crm.url}/portal/demo/tickets/new`);
    expect(await page.getAttribute('#ticket-suggestions', 'aria-live')).to.equal('polite');
    await page.fill('#ticket-description', 'I tried twice.');
    await page.click('#ticket-subject');
    await page.keyboard.type('How do I reset my password');
    const link = page.getByRole('link', { name: 'Reset your password (opens in a new tab)' });
    await link.waitFor({ timeout: 10_000 });
    expect(await link.getAttribute('target')).to.equal('_blank');
    expect(await link.getAttribute('rel')).to.equal('noopener');
    await expectAccessibleAt390(page, 'new ticket with suggestions');
    const [tab] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
    await tab.waitForLoadState();
    expect(await tab.textContent('h1')).to.equal('Reset your password');
    await tab.close();
    expect(await page.inputValue('#ticket-subject')).to.equal('How do I reset my password');
    expect(await page.inputValue('#ticket-description')).to.equal('I tried twice.');
    // Words that match nothing empty the region.
    await page.fill('#ticket-subject', '');
    await page.click('#ticket-subject');
    await page.keyboard.type('zebra');
    await page.waitForFunction(() => document.querySelector('#ticket-suggestions')?.textContent?.trim() === '', null, { timeout: 10_000 });
    expect(consoleErrors).to.deep.equal([]);
  });
});
