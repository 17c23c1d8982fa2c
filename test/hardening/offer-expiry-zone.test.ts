// Offer expiry is judged in the workspace's time zone (its portal settings; UTC when it has none),
// never in the zone a visitor sets with the portal_tz cookie: over HTTP, a public link page of an
// offer whose valid-until day is "today" in one zone and "yesterday" in another answers the same
// with and without a cookie naming the other zone; and the zone helper falls back to UTC.
import { expect } from 'chai';
import { dayIn, expiryTimeZone } from '../../src/features/offers/decisions/service.ts';
import { csrfFrom, signedInStaffAgent, startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';
import { type DemoClient, demoNorthwind, sentProposal } from '../support/demo-records.ts';

const EXPIRED_NOTICE = 'can no longer be accepted';

/** A zone whose calendar day differs from UTC's right now (UTC-12 before noon UTC, UTC+14 after). */
function zoneOnAnotherDay(now: Date): string {
  for (const zone of ['Etc/GMT+12', 'Pacific/Kiritimati']) if (dayIn(zone, now) !== dayIn('UTC', now)) return zone;
  throw new Error('no zone on another day');
}

describe('offer expiry in the workspace time zone', function () {
  this.timeout(120_000);
  let h: PortalHarness;
  let staff: ReturnType<PortalHarness['agent']>;
  let northwind: DemoClient;
  let seq = 0;

  before(async function () {
    h = await startPortalHarness();
    staff = await signedInStaffAgent(h, 'demo');
    northwind = await demoNorthwind(h.crm.db);
    await settings({ allow_public_link_decisions: true, default_time_zone: null });
  });
  after(async function () {
    await h?.close();
  });

  async function settings(values: Record<string, unknown>) {
    await h.crm
      .db('workspace_client_portal_settings')
      .insert({ workspace_id: northwind.workspace_id, ...values })
      .onConflict('workspace_id')
      .merge();
    await h.crm.portal.workspaceChanged(String(northwind.workspace_id));
  }

  /** A sent proposal valid until `day`, and a public link to it (made on the staff record page). */
  async function linkedProposal(day: string): Promise<string> {
    seq += 1;
    const id = await sentProposal(h.crm.db, northwind, {
      number: `TZ-${seq}`,
      title: 'Zones',
      body: 'x',
      validUntil: day,
      items: [{ description: 'Work', quantity: 1, unitPriceCents: 10_000 }],
    });
    const record = `/settings/client-portal/records/proposal/${northwind.id}/${id}`;
    const page = await staff.get(record).expect(200);
    const made = await staff
      .post(`${record}/links`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), days: '30', allowDecision: 'on' })
      .expect(303);
    const after = await staff.get(made.headers.location!.split('#')[0]!).expect(200);
    const url = /value="(https?:\/\/[^"]+\/portal\/demo\/p\/[A-Za-z0-9_-]{43})"/.exec(after.text)!;
    return new URL(url[1]!).pathname;
  }

  const expiredOnPage = async (link: string, cookieZone?: string) => {
    const request = h.agent().get(link);
    if (cookieZone) request.set('Cookie', `portal_tz=${encodeURIComponent(cookieZone)}`);
    return (await request.expect(200)).text.includes(EXPIRED_NOTICE);
  };

  it("without a workspace zone: judged in UTC, whatever zone the visitor's cookie names", async function () {
    await settings({ default_time_zone: null });
    const now = new Date();
    const other = zoneOnAnotherDay(now);
    // Valid until the other zone's today: expired in UTC when that zone is behind, not when it is ahead.
    const link = await linkedProposal(dayIn(other, now));
    const expiredInUtc = dayIn(other, now) < dayIn('UTC', now);
    expect(await expiredOnPage(link), 'no cookie').to.equal(expiredInUtc);
    expect(await expiredOnPage(link, other), `cookie ${other}`).to.equal(expiredInUtc);
  });

  it("with a workspace zone: judged there, not in the cookie's zone", async function () {
    const now = new Date();
    const zone = zoneOnAnotherDay(now);
    await settings({ default_time_zone: zone });
    try {
      // Valid until UTC's today: expired in the workspace's zone exactly when that zone is ahead.
      const link = await linkedProposal(dayIn('UTC', now));
      const expiredThere = dayIn('UTC', now) < dayIn(zone, now);
      expect(await expiredOnPage(link, 'UTC'), 'cookie UTC').to.equal(expiredThere);
      expect(await expiredOnPage(link), 'no cookie').to.equal(expiredThere);
    } finally {
      await settings({ default_time_zone: null });
    }
  });

  it('falls back to UTC for a workspace without a zone or with one that is not a zone', function () {
    expect(expiryTimeZone({ defaultTimeZone: null })).to.equal('UTC');
    expect(expiryTimeZone({ defaultTimeZone: 'Not/AZone' })).to.equal('UTC');
    expect(expiryTimeZone({ defaultTimeZone: 'Europe/Berlin' })).to.equal('Europe/Berlin');
  });
});
