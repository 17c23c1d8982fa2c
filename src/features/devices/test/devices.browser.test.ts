// The devices section in a real Chromium: axe finds no violations and nothing overflows at 390 px
// on the list, a filter, a search, a device with its tickets and the new-ticket form started from
// it, in English and German; the client opens a ticket from a device and lands on it, and the
// device's page lists it.
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import {
  expectAccessibleAt390,
  pagesClosedAfterEach,
  portalInChromium,
  signInWithPassword,
} from '../../../../test/support/browser-pages.ts';
import type { PortalHarness } from '../../../../test/support/portal-harness.ts';

describe('devices in Chromium', function () {
  this.timeout(120_000);
  let h: PortalHarness;
  let browser: Browser;
  let workspaceId: number;
  let printer: number;
  portalInChromium((started) => ({ h, browser } = started));
  const open = pagesClosedAfterEach(() => browser);
  const maria = () => h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;

  before(async function () {
    workspaceId = (await h.crm.db('workspaces').where({ slug: 'demo' }).first('id')).id;
    printer = (await h.crm.db('devices').where({ workspace_id: workspaceId, name: 'Office printer' }).first('id')).id;
    await h.crm
      .db('workspace_client_portal_settings')
      .insert({ workspace_id: String(workspaceId), show_tickets: true, show_devices: true });
    await h.crm.portal.workspaceChanged(String(workspaceId));
  });

  it('has no axe violations and no overflow at 390 px, in English and German', async function () {
    const { page } = await open({ width: 390 });
    await signInWithPassword(page, h.crm.url, 'demo', maria());
    const web = (await h.crm.db('devices').where({ workspace_id: workspaceId, name: 'Web server' }).first('id')).id;
    const urls = [
      '/devices',
      '/devices?type=printer&state=active',
      '/devices?q=NW-0002',
      '/devices?q=nothing-like-it',
      `/devices/${web}`,
      `/tickets/new?device=${web}`,
    ];
    for (const url of urls) {
      await page.goto(`${h.crm.url}/portal/demo${url}`);
      await expectAccessibleAt390(page, url);
    }
    await h.crm
      .db('client_users')
      .where({ workspace_id: String(workspaceId), email: maria().email })
      .update({ locale: 'de' });
    try {
      await page.goto(`${h.crm.url}/portal/demo/devices`);
      expect(await page.textContent('h1')).to.equal('Geräte');
      await expectAccessibleAt390(page, 'German list');
      await page.goto(`${h.crm.url}/portal/demo/devices/${web}`);
      expect(await page.textContent('h2')).to.contain('Tickets zu diesem Gerät');
      await expectAccessibleAt390(page, 'German device');
    } finally {
      await h.crm
        .db('client_users')
        .where({ workspace_id: String(workspaceId), email: maria().email })
        .update({ locale: null });
    }
  });

  it('opens a ticket from a device, and the device lists it', async function () {
    const { page, consoleErrors } = await open({ width: 390 });
    await signInWithPassword(page, h.crm.url, 'demo', maria());
    await page.goto(`${h.crm.url}/portal/demo/devices/${printer}`);
    await page.getByRole('link', { name: 'Open a ticket about this device' }).click();
    expect(await page.textContent('#ticket-device')).to.contain('About the device Office printer');
    await page.fill('#ticket-subject', 'Printer prints blank pages');
    await page.fill('#ticket-description', 'Every page comes out blank.');
    await page.getByRole('button', { name: 'Open the ticket' }).click();
    await page.waitForURL(/\/portal\/demo\/tickets\/\d+$/);
    expect(await page.textContent('h1')).to.contain('Printer prints blank pages');
    await page.goto(`${h.crm.url}/portal/demo/devices/${printer}`);
    expect(await page.textContent('#device-tickets + *')).to.contain('Printer prints blank pages');
    expect(consoleErrors).to.deep.equal([]);
  });
});
