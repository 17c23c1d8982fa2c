// In a real Chromium, the staff pages outside the admin's forms: the staff language page ("Your
// language", any staff member) has no axe violations and no horizontal overflow at 390 px, in
// English and, once German is chosen on it (post/redirect/get), in German with lang="de"; a
// record page's facts (client, title, status, total) wrap at 390 px without a separator left at a
// line's end, and its "Client portal" crumb is a link with its words, back to the admin home; an
// approval page with its SHA-256 fingerprints and a decision, the Help article list and an
// article's form hold at 390 px, as do the set-up screens (appointment services, opening hours,
// the request catalogue and an entry's form) and a client's devices with a device's form, and a
// contract's page with a client's asks for more hours and the form to answer one.
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import {
  expectNoAxeViolations,
  expectNoOverflowAt390,
  launchChromium,
  openPage,
  staffSignIn,
  type WatchedPage,
} from '../support/browser-pages.ts';
import { insertApprovalDecision } from '../../plugins/reference-crm/queries/approvals.ts';
import { demoNorthwind, demoWorkspaceId, sentProposal } from '../support/demo-records.ts';
import { startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';

const LANGUAGE = '/client-portal/notifications/language';

// Saves the language form and waits for the page it redirects to, in that language. The URL
// alone cannot tell: after the first save it already ends in saved=1, so a wait for it returns
// before the second save has landed.
async function saveLanguage(page: WatchedPage['page'], lang: 'de' | 'en'): Promise<void> {
  await page.locator('form[method=post] button[type=submit]').last().click();
  await page.waitForFunction(
    (wanted) =>
      location.search.includes('saved=1') &&
      document.readyState === 'complete' &&
      [...document.querySelectorAll('.admin[lang], html')].some((e) => e.getAttribute('lang')?.startsWith(wanted)),
    lang,
  );
}

describe('staff pages in Chromium: the language page and a record page', function () {
  this.timeout(180_000);
  let h: PortalHarness;
  let browser: Browser;
  let staff: WatchedPage;
  let recordPath: string;
  let approvalPath: string;
  let articlePath: string;

  before(async function () {
    h = await startPortalHarness();
    browser = await launchChromium();
    const northwind = await demoNorthwind(h.crm.db);
    // A title long enough that the facts take more than one line at 390 px.
    const proposalId = await sentProposal(h.crm.db, northwind, {
      number: 'PR-2026-390',
      title: 'Relaunch of the online shop with a new catalogue and checkout',
    });
    recordPath = `/settings/client-portal/records/proposal/${northwind.id}/${proposalId}`;
    // The demo's approval, decided from an IPv6 address: two unbroken 64-character fingerprints.
    const workspaceId = await demoWorkspaceId(h.crm.db);
    const approval = await h.crm.db('approval_versions').where({ workspace_id: workspaceId, number: 1 }).first('request_id', 'sha256');
    await insertApprovalDecision(h.crm.db, {
      workspaceId,
      requestId: approval.request_id,
      version: 1,
      outcome: 'changes_requested',
      comment: 'Larger logo, please.',
      point: null,
      contactId: null,
      decidedBy: 'Maria García',
      fileSha256: approval.sha256,
      ip: '2001:0db8:85a3:0000:0000:8a2e:0370:7334',
      decidedAt: new Date(),
    });
    approvalPath = `/approvals/${approval.request_id}`;
    const article = await h.crm.db('kb_articles').where({ workspace_id: workspaceId }).orderBy('id').first('id');
    articlePath = `/knowledge-base/${article.id}`;
    staff = await openPage(browser);
    const admin = h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!;
    await staffSignIn(staff.page, h.crm.url, admin);
  });
  after(async function () {
    await staff?.context.close();
    await browser?.close();
    await h?.close();
  });

  it('shows the language page without axe violations or overflow at 390 px, in English and then in German', async function () {
    const { page } = staff;
    await page.goto(`${h.crm.url}${LANGUAGE}?returnTo=${encodeURIComponent('/client-portal/notifications')}`);
    await expectNoAxeViolations(page, 'language page');
    await expectNoOverflowAt390(page, 'language page');
    await page.setViewportSize({ width: 390, height: 844 });
    await expectNoAxeViolations(page, 'language page at 390 px');
    await page.locator('select[name=locale]').selectOption('de');
    await saveLanguage(page, 'de');
    expect(await page.locator('.admin[lang], html').evaluateAll((els) => els.map((e) => e.getAttribute('lang')))).to.include('de');
    await expectNoAxeViolations(page, 'language page in German at 390 px');
    await expectNoOverflowAt390(page, 'language page in German');
    // Back to the browser's language for the next test.
    await page.locator('select[name=locale]').selectOption('');
    await saveLanguage(page, 'en');
    await page.setViewportSize({ width: 1200, height: 900 });
    expect(staff.consoleErrors).to.deep.equal([]);
  });

  it('wraps a record page’s facts at 390 px with no separator at a line’s end, under a “Client portal” crumb that links home', async function () {
    const { page } = staff;
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${h.crm.url}${recordPath}`);
    const facts = page.locator('ul.record-facts > li');
    expect(await facts.count(), 'client, title, status, total').to.equal(4);
    const layout = await facts.evaluateAll((items) =>
      items.map((li) => ({
        text: (li.textContent ?? '').trim(),
        before: getComputedStyle(li, '::before').content,
        top: Math.round(li.getBoundingClientRect().top),
      })),
    );
    // The separators are drawn before an item, never written after one.
    expect(layout.map((item) => item.text.endsWith('·') || item.text.startsWith('·'))).to.deep.equal([false, false, false, false]);
    expect(layout.map((item) => item.before)).to.deep.equal(['none', '"·"', '"·"', '"·"']);
    expect(new Set(layout.map((item) => item.top)).size, 'the facts wrap at 390 px').to.be.greaterThan(1);
    const crumb = page.locator('.admin-crumbs a', { hasText: 'Client portal' });
    expect(await crumb.count()).to.equal(1);
    expect(await crumb.getAttribute('href')).to.equal('/settings/client-portal');
    await expectNoAxeViolations(page, 'record page at 390 px');
    await expectNoOverflowAt390(page, 'record page');
    await page.setViewportSize({ width: 1200, height: 900 });
  });

  it('holds an approval page with its fingerprints, the Help articles and an article at 390 px', async function () {
    const { page } = staff;
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [path, label] of [
      [approvalPath, 'approval page'],
      ['/knowledge-base', 'Help articles'],
      [articlePath, 'Help article form'],
    ] as const) {
      const response = await page.goto(`${h.crm.url}${path}`);
      expect(response?.status(), path).to.equal(200);
      await expectNoOverflowAt390(page, label);
      await expectNoAxeViolations(page, `${label} at 390 px`);
    }
    expect(await page.locator('code').count(), 'no code on the article form').to.equal(0);
    await page.goto(`${h.crm.url}${approvalPath}`);
    expect(await page.locator('code').count(), 'the version’s and the decision’s fingerprints').to.equal(2);
    await page.setViewportSize({ width: 1200, height: 900 });
    expect(staff.consoleErrors).to.deep.equal([]);
  });

  it('holds the set-up screens and a device’s form at 390 px', async function () {
    const { page } = staff;
    const workspaceId = await demoWorkspaceId(h.crm.db);
    const northwind = await demoNorthwind(h.crm.db);
    const definition = await h.crm
      .db('request_definitions')
      .where({ workspace_id: workspaceId, name: 'Request a quote for printing' })
      .first('id');
    const device = await h.crm.db('devices').where({ workspace_id: workspaceId, client_id: northwind.id }).orderBy('id').first('id');
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [path, label] of [
      ['/settings/services', 'appointment services'],
      ['/settings/services/new', 'service form'],
      ['/settings/opening-hours', 'opening hours'],
      ['/settings/request-catalogue', 'request catalogue'],
      [`/settings/request-catalogue/${definition.id}`, 'catalogue entry form'],
      [`/clients/${northwind.id}/devices`, 'a client’s devices'],
      [`/devices/${device.id}`, 'device form'],
    ] as const) {
      const response = await page.goto(`${h.crm.url}${path}`);
      expect(response?.status(), path).to.equal(200);
      await expectNoOverflowAt390(page, label);
      await expectNoAxeViolations(page, `${label} at 390 px`);
    }
    await page.setViewportSize({ width: 1200, height: 900 });
    expect(staff.consoleErrors).to.deep.equal([]);
  });

  it('holds a contract page with the client’s asks for more hours, one waiting with its answer form, at 390 px', async function () {
    const { page } = staff;
    const workspaceId = await demoWorkspaceId(h.crm.db);
    const contract = await h.crm.db('contracts').where({ workspace_id: workspaceId, number: 'CT-2026-001' }).first('id', 'client_id');
    const line = await h.crm
      .db('contract_lines')
      .where({ workspace_id: workspaceId, contract_id: contract.id, name: 'Support hours' })
      .first('id');
    const ask = {
      workspace_id: String(workspaceId),
      client_id: String(contract.client_id),
      contract_id: String(contract.id),
      line_id: String(line.id),
    };
    await h.crm.db('portal_contract_hour_requests').insert([
      { ...ask, hours: 12.5, scope: 'this_period', period_start: '2026-11-01', period_end: '2026-12-01', note: 'For the spring campaign.' },
      { ...ask, hours: 3, scope: 'from_now_on', state: 'answered', answer: 'declined', answer_note: 'Not before the launch.' },
    ]);
    try {
      await page.setViewportSize({ width: 390, height: 844 });
      const response = await page.goto(`${h.crm.url}/contracts/${contract.id}`);
      expect(response?.status()).to.equal(200);
      expect(await page.textContent('main'))
        .to.contain('Requests for more hours')
        .and.contain('Send the answer');
      await expectNoOverflowAt390(page, 'contract with asks for more hours');
      await expectNoAxeViolations(page, 'contract with asks for more hours at 390 px');
    } finally {
      await page.setViewportSize({ width: 1200, height: 900 });
      await h.crm.db('portal_contract_hour_requests').delete();
    }
    expect(staff.consoleErrors).to.deep.equal([]);
  });
});
