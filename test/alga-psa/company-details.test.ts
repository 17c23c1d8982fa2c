// The Company page beside a real Alga PSA database: a client admin's change is written as Alga's
// client settings write it (updateClientLocation → clientLocation.ts updateLocation: the client's
// row locked, the billing location's columns and its updated_at, scoped by tenant; nothing on the
// clients row, whose tax id and billing email Alga's client portal does not let a client change),
// a client without a location gets one as createLocation makes it, and Alga's client roles decide:
// without client update the form does not exist. The next invoice PDF carries the new address.
import { expect } from 'chai';
import request from 'supertest';
import { binary, flatText as flat, pdfText } from '../support/pdf-text.ts';
import { csrfFrom, signedInAgent } from '../support/portal-harness.ts';
import type { PortalOnHost } from '../support/portal-on-host.ts';
import { portalBesideAlga, startAlgaHost, unavailable, type AlgaHost } from './alga-host.ts';

const reason = unavailable();
const SOPHIE = { email: 'sophie@harbor.example', password: 'Sophie-alga-2026!' };

/** The columns Alga's updateLocation writes for the fields the page changes, and its stamp. */
const ALGA_WRITES = [
  'address_line1',
  'address_line2',
  'city',
  'postal_code',
  'country_code',
  'country_name',
  'email',
  'phone',
  'updated_at',
];

describe('alga-psa host: the company details', function () {
  this.timeout(240_000);
  let host: AlgaHost;
  let running: PortalOnHost;
  let base: string;
  let sophie: ReturnType<typeof request.agent>;
  let locationId: string;
  const tenant = () => host.seed.tenant;
  const grant = async (permission: string, on: boolean) => {
    const row = { tenant: tenant(), role_id: host.seed.clientRoles.User, permission_id: host.seed.clientPermissions[permission] };
    if (on) await host.db('role_permissions').insert(row).onConflict(['tenant', 'role_id', 'permission_id']).ignore();
    else await host.db('role_permissions').where(row).delete();
  };

  before(async function () {
    // Skipped only where no real host database can be made (no psql or DATABASE_URL): `reason`
    // says which, and the file prints it as a test of its own; CI's PostgreSQL pass runs it.
    if (reason) this.skip();
    host = await startAlgaHost();
    const { db, seed } = host;
    await db('countries').insert({ code: 'DE', name: 'Germany' }).onConflict('code').ignore();
    const [location] = await db('client_locations')
      .insert({
        location_id: db.raw('gen_random_uuid()'),
        tenant: seed.tenant,
        client_id: seed.clients.bakery,
        address_line1: '410 Harbor Street',
        city: 'Seattle',
        state_province: 'WA',
        postal_code: '98101',
        country_code: 'US',
        country_name: 'United States',
        email: 'billing@harbor.example',
        is_billing_address: true,
        is_default: true,
        is_active: true,
        created_at: '2026-01-05T10:00:00Z',
        updated_at: '2026-01-05T10:00:00Z',
      })
      .returning('location_id');
    locationId = location.location_id;
    await db('clients').where({ tenant: seed.tenant, client_id: seed.clients.bakery }).update({ tax_id_number: '91-1144442' });
    let slug: string;
    ({ running, slug } = await portalBesideAlga(host, { serve: true }));
    base = `/portal/${slug}`;
    await db('workspace_client_portal_settings')
      .insert({ workspace_id: tenant(), allow_company_details_edit: true })
      .onConflict('workspace_id')
      .merge();
    await running.portal.workspaceChanged(tenant());
    sophie = await signedInAgent(request.agent(running.url), slug, SOPHIE);
    // The portal makes her the client admin: whatever she may not do, Alga's roles took away.
    await db('client_users')
      .where({ workspace_id: tenant(), contact_id: seed.contacts.sophie })
      .update({ role: 'admin', denied_permissions: [] });
  });
  after(async function () {
    await running?.close();
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  it("reads the billing location and the client's tax id, and answers for the tenant's own clients only", async function () {
    const port = host.adapter().companyDetails!;
    expect(port.editable).to.not.include('taxId');
    expect(await port.read(tenant(), host.seed.clients.bakery)).to.deep.equal({
      addressLine1: '410 Harbor Street',
      addressLine2: null,
      postalCode: '98101',
      city: 'Seattle',
      countryCode: 'US',
      billingEmail: 'billing@harbor.example',
      phone: null,
      taxId: '91-1144442',
    });
    expect(await port.read(tenant(), host.seed.clients.otherTenantClient)).to.equal(null);
    expect(await port.update(tenant(), host.seed.clients.otherTenantClient, { city: 'Nowhere' })).to.equal(null);
  });

  it("writes the columns Alga's updateClientLocation writes, and nothing on the clients row", async function () {
    const { db, seed } = host;
    const locationBefore = await db('client_locations').where({ tenant: tenant(), location_id: locationId }).first();
    const clientBefore = await db('clients').where({ tenant: tenant(), client_id: seed.clients.bakery }).first();
    const page = (await sophie.get(`${base}/account/company`).expect(200)).text;
    expect(page).to.contain('The agency keeps the tax id: ask them to change it.');
    await sophie
      .post(`${base}/account/company`)
      .type('form')
      .send({
        _csrf: csrfFrom(page),
        addressLine1: 'Friedrichstraße 123',
        addressLine2: '4. Etage',
        postalCode: '10117',
        city: 'Berlin',
        countryCode: 'DE',
        billingEmail: 'rechnungen@harbor.example',
        phone: '+49 30 1234 5678',
        // Not hers to change beside Alga: ignored.
        taxId: 'DE123456789',
      })
      .expect(303);
    const locationAfter = await db('client_locations').where({ tenant: tenant(), location_id: locationId }).first();
    const changed = Object.keys(locationAfter).filter((column) => String(locationAfter[column]) !== String(locationBefore[column]));
    expect(changed.sort()).to.deep.equal([...ALGA_WRITES].sort());
    expect(locationAfter).to.include({
      tenant: tenant(),
      client_id: seed.clients.bakery,
      address_line1: 'Friedrichstraße 123',
      address_line2: '4. Etage',
      city: 'Berlin',
      state_province: 'WA',
      postal_code: '10117',
      country_code: 'DE',
      country_name: 'Germany',
      email: 'rechnungen@harbor.example',
      // As Alga's updateClientLocation stores it: normalizePhone's international form.
      phone: '+493012345678',
      is_billing_address: true,
      is_default: true,
    });
    expect(await db('clients').where({ tenant: tenant(), client_id: seed.clients.bakery }).first()).to.deep.equal(clientBefore);
    const logged = await db('client_activity_logs').where({ workspace_id: tenant(), event: 'company.details_changed' });
    expect(logged).to.have.length(1);
    expect((logged[0].details as { changes: Array<{ field: string }> }).changes.map((c) => c.field)).to.not.include('taxId');

    // The next invoice PDF is addressed to the new billing address.
    // (Her Alga role, User, reads no billing: it is given for the PDF.)
    await grant('billing:read', true);
    const pdf = flat(
      await pdfText(
        (await sophie.get(`${base}/invoices/${seed.invoices.unpaid}.pdf`).buffer(true).parse(binary).expect(200)).body as Buffer,
      ),
    );
    expect(pdf).to.contain('Friedrichstraße 123').and.contain('Germany').and.not.contain('410 Harbor Street');
    await grant('billing:read', false);
  });

  it("stores a changed phone in the form Alga's normalizePhone gives it, with the location's country", async function () {
    const { db, seed } = host;
    const port = host.adapter().companyDetails!;
    // Alga's normalizePhone (packages/validation/src/lib/phone.ts, libphonenumber-js 1.13.11 as
    // Alga installs it) answered each of these, run on Alga's own installation; updateClientLocation
    // stores its value, and a packed extension in phone_extension.
    const cases: Array<[typed: string, country: string, phone: string, extension: string | null]> = [
      ['030 1234 5678', 'DE', '+493012345678', null],
      ['+49 (0)30 1234 5678', 'DE', '+493012345678', null],
      ['0049 30 1234 5678', 'DE', '+493012345678', null],
      ['(206) 555-0142', 'US', '+12065550142', null],
      ['020 7946 0958 ext. 12', 'GB', '+442079460958', '12'],
      ['+44 020 7946 0958', 'GB', '+442079460958', null],
      ['06 1234 5678', 'IT', '+390612345678', null],
      ['912 345 678', 'ES', '+34912345678', null],
      ['01 234 5678', 'AT', '+4312345678', null],
    ];
    const stored = () => db('client_locations').where({ tenant: tenant(), location_id: locationId }).first('phone', 'phone_extension');
    for (const [typed, country, phone, extension] of cases) {
      await db('client_locations').where({ tenant: tenant(), location_id: locationId }).update({ phone: null, phone_extension: null });
      await port.update(tenant(), seed.clients.bakery, { countryCode: country, phone: typed });
      expect(await stored(), `${typed} (${country})`).to.deep.equal({ phone, phone_extension: extension });
    }
    // A number of no plan's length is kept as typed (Alga refuses it).
    await port.update(tenant(), seed.clients.bakery, { countryCode: 'DE', phone: '12' });
    expect(await stored()).to.include({ phone: '12' });
  });

  it('gives a client without a location its first one, as Alga makes it', async function () {
    const { db, seed } = host;
    const port = host.adapter().companyDetails!;
    const result = await port.update(tenant(), seed.clients.garage, {
      addressLine1: '5 Summit Road',
      postalCode: '69003',
      city: 'Lyon',
      countryCode: 'FR',
    });
    expect(result?.after).to.include({ addressLine1: '5 Summit Road', city: 'Lyon', countryCode: 'FR' });
    const rows = await db('client_locations').where({ tenant: tenant(), client_id: seed.clients.garage });
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({ is_default: true, is_billing_address: true, is_active: true, country_name: 'France' });
  });

  it("lets Alga's client update decide, not the portal's Client admin role", async function () {
    const role = (value: string) =>
      host.db('client_users').where({ workspace_id: tenant(), contact_id: host.seed.contacts.sophie }).update({ role: value });
    await role('full');
    try {
      // Full access, and client update in Alga (her role User grants it): she changes them.
      const page = (await sophie.get(`${base}/account/company`).expect(200)).text;
      expect(page).to.contain('name="addressLine1"');
      await sophie
        .post(`${base}/account/company`)
        .type('form')
        .send({ _csrf: csrfFrom(page), addressLine1: '7 Quay Road', postalCode: '10117', city: 'Berlin', countryCode: 'DE' })
        .expect(303);
      expect(await host.db('client_locations').where({ tenant: tenant(), location_id: locationId }).first()).to.include({
        address_line1: '7 Quay Road',
      });
      // Without it she does not, whatever her portal role.
      await grant('client:update', false);
      await role('admin');
      const readOnly = (await sophie.get(`${base}/account/company`).expect(200)).text;
      expect(readOnly).to.not.contain('name="addressLine1"');
      await sophie
        .post(`${base}/account/company`)
        .type('form')
        .send({ _csrf: csrfFrom(readOnly), addressLine1: 'x', city: 'y', countryCode: 'DE' })
        .expect(404);
    } finally {
      await grant('client:update', true);
      await role('admin');
    }
  });

  it("lets Alga's client roles decide: without client update the form does not exist", async function () {
    await grant('client:update', false);
    try {
      const page = (await sophie.get(`${base}/account/company`).expect(200)).text;
      expect(page).to.not.contain('name="addressLine1"');
      await sophie
        .post(`${base}/account/company`)
        .type('form')
        .send({ _csrf: csrfFrom(page), addressLine1: 'x', city: 'y', countryCode: 'DE' })
        .expect(404);
      await grant('client:read', false);
      await sophie.get(`${base}/account/company`).expect(404);
    } finally {
      await grant('client:read', true);
      await grant('client:update', true);
    }
  });
});
