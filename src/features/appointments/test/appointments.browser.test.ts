// The appointments section in a real Chromium: axe finds no violations and nothing overflows at
// 390 px on the dashboard with what is coming, the list (both tabs), the booking form with a day's free times, an appointment's page
// (its "Add to calendar" reached and used by keyboard alone), its cancel step, its form asking for another time, and a declined one
// with the agency's reason and other times to take. A client picks a Sunday (no times: no "Ask for this time", a link to the next
// day with some), then a day (the free times and the button follow it without a reload), picks a
// time and books it, then cancels it through the confirmation step; no page logs a console error
// (a CSP violation would be one).
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { addDays, dayInZone, wallTimeToInstant } from '../../../core/time/zoned-days.ts';
import {
  expectAccessibleAt390,
  pagesClosedAfterEach,
  portalInChromium,
  signInWithPassword,
  tabTo,
} from '../../../../test/support/browser-pages.ts';
import type { PortalHarness } from '../../../../test/support/portal-harness.ts';

/** A weekday at least three days ahead, in the agency's zone (the demo's hours are Monday to Friday). */
function nextWorkday(from: number): string {
  let day = addDays(dayInZone(new Date(), 'Europe/Berlin'), from);
  while ([0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay())) day = addDays(day, 1);
  return day;
}

describe('appointments in Chromium', function () {
  this.timeout(120_000);
  let h: PortalHarness;
  let browser: Browser;
  let workspaceId: number;
  portalInChromium((started) => ({ h, browser } = started));
  const open = pagesClosedAfterEach(() => browser);
  const maria = () => h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;

  before(async function () {
    workspaceId = (await h.crm.db('workspaces').where({ slug: 'demo' }).first('id')).id;
    await h.crm.db('workspace_client_portal_settings').insert({ workspace_id: String(workspaceId), show_appointments: true });
    await h.crm.portal.workspaceChanged(String(workspaceId));
  });

  it('has no axe violations and no overflow at 390 px on the appointments pages', async function () {
    const db = h.crm.db;
    const contact = await db('contacts').where({ workspace_id: workspaceId, email: 'maria@northwind.test' }).first('id', 'client_id');
    const service = await db('appointment_services').where({ workspace_id: workspaceId, name: 'Workshop' }).first('id');
    const day = nextWorkday(3);
    const startsAt = wallTimeToInstant(day, '14:00', 'Europe/Berlin');
    const [row] = await db('appointments')
      .insert({
        workspace_id: workspaceId,
        client_id: contact.client_id,
        contact_id: contact.id,
        service_id: service.id,
        starts_at: startsAt,
        ends_at: new Date(startsAt.getTime() + 90 * 60_000),
        note: 'We would like to plan the whole spring campaign, with the flyers, the posters and the website banner.',
        time_zone: 'Europe/Berlin',
        status: 'confirmed',
      })
      .returning('id');
    // A declined request with the agency's reason and two other times to take.
    const declinedAt = wallTimeToInstant(nextWorkday(5), '09:00', 'Europe/Berlin');
    const [declined] = await db('appointments')
      .insert({
        workspace_id: workspaceId,
        client_id: contact.client_id,
        contact_id: contact.id,
        service_id: service.id,
        starts_at: declinedAt,
        ends_at: new Date(declinedAt.getTime() + 90 * 60_000),
        time_zone: 'Europe/Berlin',
        status: 'declined',
        agency_reason: 'Our workshop room is being painted that morning; these afternoons are free.',
      })
      .returning('id');
    for (const time of ['13:00', '14:30'])
      await db('appointment_offers').insert({
        workspace_id: workspaceId,
        appointment_id: declined.id,
        starts_at: wallTimeToInstant(nextWorkday(6), time, 'Europe/Berlin'),
        ends_at: new Date(wallTimeToInstant(nextWorkday(6), time, 'Europe/Berlin').getTime() + 90 * 60_000),
      });
    const { page } = await open({ width: 390 });
    await signInWithPassword(page, h.crm.url, 'demo', maria());
    for (const url of [
      '/',
      '/appointments',
      '/appointments?tab=past',
      `/appointments/new?serviceId=${service.id}&day=${day}`,
      `/appointments/${row.id}`,
      `/appointments/${row.id}/cancel`,
      `/appointments/${row.id}/reschedule?day=${nextWorkday(6)}`,
      `/appointments/${declined.id}`,
    ]) {
      await page.goto(`${h.crm.url}/portal/demo${url}`);
      await expectAccessibleAt390(page, url);
    }
    // "Add to calendar" on the confirmed one, reached and used with the keyboard alone: the .ics file.
    await page.goto(`${h.crm.url}/portal/demo/appointments/${row.id}`);
    await tabTo(page, 'a[download]', 'Add to calendar');
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    expect(download.suggestedFilename()).to.equal(`Workshop ${day}.ics`);
    const file = await download.createReadStream();
    let ics = '';
    for await (const chunk of file) ics += chunk.toString();
    expect(ics).to.contain('METHOD:PUBLISH').and.contain('BEGIN:VEVENT');
    await db('appointments').where({ workspace_id: workspaceId }).whereIn('id', [row.id, declined.id]).delete();
  });

  it('follows the chosen day with its free times, books one and cancels it', async function () {
    const { page } = await open();
    await signInWithPassword(page, h.crm.url, 'demo', maria());
    await page.goto(`${h.crm.url}/portal/demo/appointments`);
    await page.click('a:has-text("Book an appointment")');
    const day = nextWorkday(4);
    // A Sunday first: no times, so nothing to ask for, and the way on to the next day with some.
    let sunday = addDays(day, 1);
    while (new Date(`${sunday}T00:00:00Z`).getUTCDay() !== 0) sunday = addDays(sunday, 1);
    await page.fill('#appointment-day', sunday);
    await page.waitForSelector('#appointment-next-day', { timeout: 10_000 });
    expect(await page.locator('button:has-text("Ask for this time")').count()).to.equal(0);
    await page.fill('#appointment-day', day);
    // The free times of that day arrive without a reload.
    const ten = wallTimeToInstant(day, '10:00', 'Europe/Berlin').toISOString();
    await page.waitForSelector(`input[name=startsAt][value="${ten}"]`, { timeout: 10_000 });
    expect(await page.inputValue('#slots input[name=day]')).to.equal(day);
    await page.check(`input[name=startsAt][value="${ten}"]`);
    await page.fill('#appointment-note', 'The new shop front.');
    await Promise.all([page.waitForURL(/\/appointments\/\d+$/), page.click('button:has-text("Ask for this time")')]);
    expect(await page.textContent('#appointment'))
      .to.contain('Waiting for the agency')
      .and.contain('The new shop front.');
    await page.click('a:has-text("Cancel this appointment")');
    await Promise.all([page.waitForURL(/\/appointments\/\d+$/), page.click('button:has-text("Yes, cancel it")')]);
    expect(await page.textContent('#appointment')).to.contain('Cancelled');
  });
});
