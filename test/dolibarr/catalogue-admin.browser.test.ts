// The admin's Requests and calendars page beside a real Dolibarr (Ticket and BookCal modules), in a
// real Chromium: axe finds no violations and nothing overflows at 390 px on the page, a request
// type's page and a refused form, in English and German; staff set a calendar's hours through the
// form and the page says they were saved; no console error (a CSP violation would be one).
import { expect } from 'chai';
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { createDolibarrAdapter } from '../../plugins/dolibarr/adapter.ts';
import { saveRequestType } from '../../plugins/dolibarr/queries/requests.ts';
import { expectAccessibleAt390, launchChromium, pagesClosedAfterEach } from '../support/browser-pages.ts';
import { portalOnHost, type PortalOnHost } from '../support/portal-on-host.ts';
import { type DolibarrHost, insertTicketInstallRows, knowledgeModuleUnavailable, startDolibarrHost } from './dolibarr-host.ts';

const reason = knowledgeModuleUnavailable();
const ADMIN = '/settings/client-portal';

describe('dolibarr host: requests and calendars admin in Chromium', function () {
  this.timeout(240_000);
  let host: DolibarrHost;
  let running: PortalOnHost;
  let server: Server;
  let browser: Browser;
  let base: string;
  let typeId: string;
  const open = pagesClosedAfterEach(() => browser);

  before(async function () {
    // Skipped only where no real host database can be made (no psql or DATABASE_URL): `reason`
    // says which, and the file prints it as a test of its own; CI's PostgreSQL pass runs it.
    if (reason) this.skip();
    host = await startDolibarrHost({ ticketModule: true, knowledgeModule: true, portalTables: true });
    const { db, seed } = host;
    await insertTicketInstallRows(db);
    await db('llx_bookcal_calendar').insert({
      entity: 1,
      ref: 'Consultation',
      label: 'Consultation',
      status: 1,
      type: 0,
      visibility: seed.users.admin,
      fk_user_creat: seed.users.admin,
    });
    typeId = String(
      await saveRequestType(db, {
        entity: 1,
        name: 'Print quote',
        description: 'Posters and flyers',
        fields: [{ key: 'q1', type: 'number', label: 'Copies', help: null, required: true }],
        becomes: 'proposal',
        ticketType: null,
        position: 0,
        active: true,
      }),
    );
    const adapter = createDolibarrAdapter(db, {
      workspaceSlug: seed.workspaceSlug,
      actingUserId: seed.users.admin,
      tickets: true,
      requests: true,
      appointments: true,
    });
    adapter.staff.current = async () => ({
      id: String(seed.users.admin),
      workspaceId: '1',
      name: 'Admin',
      email: 'admin@atelier.example',
      role: 'admin',
    });
    running = await portalOnHost({
      db,
      databaseUrl: host.database.url,
      adapter,
      workspaceSlug: seed.workspaceSlug,
      from: 'Atelier <p@a.example>',
    });
    const app = express();
    app.use('/portal', running.portal.clientRouter);
    app.use(ADMIN, running.portal.adminRouter);
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}${ADMIN}`;
    browser = await launchChromium();
  });
  after(async function () {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await running?.close();
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  for (const locale of ['en-US', 'de-DE']) {
    it(`has no axe violations and no overflow at 390 px (${locale})`, async function () {
      const { page, consoleErrors } = await open({ width: 390, locale });
      for (const url of ['/catalogue', `/catalogue/request-types/${typeId}`]) {
        await page.goto(`${base}${url}`);
        await expectAccessibleAt390(page, `${locale} ${url}`);
      }
      // A refused form: the summary and the field's message.
      await page.goto(`${base}/catalogue`);
      await page.fill('#new-type-name', 'Website change');
      await page.fill('#new-type-questions', 'What | colour');
      // The page is already loaded before the click: wait for the refused form itself, not a load state.
      await page.click('form:has(#new-type-name) button[type=submit]');
      await page.waitForSelector('.error-summary', { state: 'visible' });
      await expectAccessibleAt390(page, `${locale} refused request type`);
      expect(consoleErrors).to.deep.equal([]);
    });
  }

  it('saves a calendar’s hours through the form', async function () {
    const { page, consoleErrors } = await open();
    await page.goto(`${base}/catalogue`);
    const form = page.locator('form[id^="calendar-"]');
    await form.locator('input[name=opens_1]').fill('09:00');
    await form.locator('input[name=closes_1]').fill('12:30');
    await form.locator('input[name=timeZone]').fill('Europe/Paris');
    await Promise.all([page.waitForURL(/notice=hours/), form.locator('button[type=submit]').click()]);
    expect(await page.textContent('.notice')).to.contain('Hours saved');
    expect(await form.locator('input[name=closes_1]').inputValue()).to.equal('12:30');
    expect(consoleErrors).to.deep.equal([]);
  });
});
