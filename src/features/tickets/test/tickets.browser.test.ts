// The tickets section in a real Chromium: axe finds no violations and nothing overflows at 390 px
// on the list, the new-ticket form, a ticket's page open and closed, the survey page, the dashboard with its tickets
// card, and the CRM's staff ticket pages (a client's page with its satisfaction at a desk's width). A client opens a ticket with a file through the form; a
// staff member answers it in the CRM, and the answer appears on the client's open page without a
// reload (the live stream); no page logs a console error (a CSP violation would be one).
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import {
  expectAccessible,
  expectAccessibleAt390,
  pagesClosedAfterEach,
  portalInChromium,
  signInWithPassword,
  staffSignIn,
} from '../../../../test/support/browser-pages.ts';
import { csrfFrom, signedInStaffAgent, type PortalHarness } from '../../../../test/support/portal-harness.ts';
import { smallPdf } from '../../../../test/support/upload-fixtures.ts';

describe('tickets in Chromium', function () {
  this.timeout(120_000);
  let h: PortalHarness;
  let browser: Browser;
  let workspaceId: number;
  portalInChromium((started) => ({ h, browser } = started));
  const open = pagesClosedAfterEach(() => browser);
  const maria = () => h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;

  before(async function () {
    workspaceId = (await h.crm.db('workspaces').where({ slug: 'demo' }).first('id')).id;
    await h.crm
      .db('workspace_client_portal_settings')
      .insert({ workspace_id: String(workspaceId), show_tickets: true, allow_file_uploads: true });
    await h.crm.portal.workspaceChanged(String(workspaceId));
  });

  const ticketId = async (subject: string) =>
    (await h.crm.db('tickets').where({ workspace_id: workspaceId, subject }).first('id')).id as number;

  it('has no axe violations and no overflow at 390 px on the client and staff ticket pages', async function () {
    const { page } = await open({ width: 390 });
    await signInWithPassword(page, h.crm.url, 'demo', maria());
    const waiting = await ticketId('Contact form on the website sends no email');
    const resolved = await ticketId('Add the new store opening hours');
    for (const url of [
      '/',
      '/tickets',
      '/tickets?tab=closed&q=hours',
      '/tickets/new',
      `/tickets/${waiting}`,
      `/tickets/${resolved}`,
      `/tickets/${resolved}/survey`,
    ]) {
      await page.goto(`${h.crm.url}/portal/demo${url}`);
      await expectAccessibleAt390(page, url);
    }
    const staff = await open({ width: 390 });
    await staffSignIn(staff.page, h.crm.url, h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!);
    // A survey answer, so the staff pages show the ticket's answer and the company's satisfaction.
    const client = (await h.crm.db('tickets').where({ workspace_id: workspaceId, id: resolved }).first('client_id')).client_id;
    await h.crm.db('portal_ticket_ratings').insert({
      workspace_id: String(workspaceId),
      client_id: String(client),
      ticket_id: String(resolved),
      rating: 4,
      comment: 'Quick and friendly.',
    });
    for (const url of ['/tickets', `/tickets/${waiting}`, `/tickets/${resolved}`, '/settings/client-portal/satisfaction']) {
      await staff.page.goto(`${h.crm.url}${url}`);
      await expectAccessible(staff.page, `staff ${url}`);
    }
    // The client's page at a desk's width: its invoice and offer tables are wider than 390 px already.
    const wide = await open();
    await staffSignIn(wide.page, h.crm.url, h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!);
    await wide.page.goto(`${h.crm.url}/clients/${client}`);
    expect(await wide.page.textContent('#satisfaction-title')).to.equal('Satisfaction');
    await expectAccessible(wide.page, `staff /clients/${client}`);
  });

  it('opens a ticket with a file, and shows the agency’s answer live', async function () {
    const { page } = await open();
    await signInWithPassword(page, h.crm.url, 'demo', maria());
    await page.goto(`${h.crm.url}/portal/demo/`);
    await page.click('a[href="/portal/demo/tickets/new"]');
    await page.fill('#ticket-subject', 'Flyers for the spring sale');
    await page.fill('#ticket-description', 'Please quote 500 flyers, A5, both sides.');
    await page.selectOption('#ticket-categoryId', { label: 'Design' });
    await page.setInputFiles('#ticket-attachments', { name: 'flyer-draft.pdf', mimeType: 'application/pdf', buffer: smallPdf('flyer') });
    await Promise.all([page.waitForURL(/\/tickets\/\d+$/), page.click('button:has-text("Open the ticket")')]);
    expect(await page.textContent('h1')).to.match(/TIC-\d{4} Flyers for the spring sale/);
    expect(await page.textContent('#ticket')).to.contain('flyer-draft.pdf');
    // The page follows its live stream before the agency writes.
    await page.waitForFunction(() => document.querySelector('#live') !== null);
    await page.waitForTimeout(500);

    const id = page.url().split('/').pop()!;
    const staff = await signedInStaffAgent(h, 'demo');
    const form = (await staff.get(`/tickets/${id}`).expect(200)).text;
    await staff
      .post(`/tickets/${id}/messages`)
      .type('form')
      .send({ _csrf: csrfFrom(form), body: 'Here is our quote: 120 EUR.', status: 'waiting_on_client' })
      .expect(303);
    await page.waitForSelector('text=Here is our quote: 120 EUR.', { timeout: 10_000 });
    expect(await page.textContent('#ticket')).to.contain('The agency is waiting for your answer.');

    // Close and answer the survey, as a person without JavaScript would too: forms that post and redirect.
    await page.click('button:has-text("Close the ticket")');
    await page.waitForSelector('button:has-text("Reopen the ticket")');
    // The close's own live event refreshes the page once more: rate on the page as it settles.
    await page.goto(page.url());
    await Promise.all([page.waitForURL(/\/survey$/), page.click('a:has-text("Answer the survey")')]);
    await expectAccessible(page, 'survey');
    await page.check('#survey-rating-5');
    await page.fill('#survey-comment', 'Quick and friendly.');
    await page.click('button:has-text("Send rating")');
    await page.waitForSelector('text=Thank you for your answer.');
    await expectAccessible(page, 'survey answered');
  });
});
