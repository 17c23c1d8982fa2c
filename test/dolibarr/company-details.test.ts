// The Company page beside a real Dolibarr database: a client admin's change lands on the third
// party (llx_societe) in the columns its card (societe/card.php) shows and Societe::update() writes
// (address, zip, town, fk_pays from llx_c_country, email, phone, tva_intra), with fk_user_modif the
// user the portal acts as and tms moved by Dolibarr's own update trigger; only the entity's client
// third parties answer; the next invoice PDF carries the change.
import { expect } from 'chai';
import request from 'supertest';
import { hashPassword } from '../../src/core/crypto/secrets.ts';
import { binary, flatText as flat, pdfText } from '../support/pdf-text.ts';
import { csrfFrom, signedInAgent } from '../support/portal-harness.ts';
import type { PortalOnHost } from '../support/portal-on-host.ts';
import { insertClaireLogin, seededAdapter, servePortalBeside, startDolibarrHost, unavailable, type DolibarrHost } from './dolibarr-host.ts';

const reason = unavailable();
const PASSWORD = 'Claire-portal-2026';

describe('dolibarr host: the company details', function () {
  this.timeout(180_000);
  let host: DolibarrHost;
  let running: PortalOnHost;
  let claire: ReturnType<typeof request.agent>;
  let base: string;

  before(async function () {
    // Skipped only where no real host database can be made (no psql or DATABASE_URL): `reason`
    // says which, and the file prints it as a test of its own; CI's PostgreSQL pass runs it.
    if (reason) this.skip();
    host = await startDolibarrHost();
    const { db, seed } = host;
    for (const [rowid, code, label] of [
      [1, 'FR', 'France'],
      [5, 'DE', 'Germany'],
    ] as const)
      if (!(await db('llx_c_country').where({ code }).first('rowid')))
        await db('llx_c_country').insert({ rowid, code, code_iso: `${code}X`, label, active: 1 });
    const fr = (await db('llx_c_country').where({ code: 'FR' }).first('rowid')).rowid;
    await db('llx_societe').where({ rowid: seed.companies.bakery }).update({
      address: '8 place du Marché',
      zip: '69003',
      town: 'Lyon',
      fk_pays: fr,
      tva_intra: 'FR98765432109',
      tms: '2026-01-01 00:00:00',
    });
    running = await servePortalBeside(host);
    base = `/portal/${seed.workspaceSlug}`;
    await insertClaireLogin(db, seed, await hashPassword(PASSWORD));
    await db('client_users').where({ workspace_id: '1', email: 'claire@martin.example' }).update({ role: 'admin' });
    await db('workspace_client_portal_settings')
      .insert({ workspace_id: '1', allow_company_details_edit: true })
      .onConflict('workspace_id')
      .merge();
    await running.portal.workspaceChanged('1');
    claire = await signedInAgent(request.agent(running.url), seed.workspaceSlug, { email: 'claire@martin.example', password: PASSWORD });
  });
  after(async function () {
    await running?.close();
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  it("reads the third party's card, and only the entity's client third parties", async function () {
    const { seed } = host;
    const port = seededAdapter(host).companyDetails!;
    expect(await port.read('1', String(seed.companies.bakery))).to.deep.include({
      addressLine1: '8 place du Marché',
      postalCode: '69003',
      city: 'Lyon',
      countryCode: 'FR',
      taxId: 'FR98765432109',
    });
    expect(await port.read('1', String(seed.companies.supplier))).to.equal(null);
    expect(await port.read('2', String(seed.companies.bakery))).to.equal(null);
    expect(await port.update('1', String(seed.companies.supplier), { city: 'Paris' })).to.equal(null);
  });

  it('writes the change where the third-party card reads it, and the next invoice PDF carries it', async function () {
    const { db, seed } = host;
    const before = await db('llx_societe').where({ rowid: seed.companies.bakery }).first();
    const page = (await claire.get(`${base}/account/company`).expect(200)).text;
    await claire
      .post(`${base}/account/company`)
      .type('form')
      .send({
        _csrf: csrfFrom(page),
        addressLine1: 'Friedrichstraße 123',
        addressLine2: 'Hinterhaus',
        postalCode: '10117',
        city: 'Berlin',
        countryCode: 'DE',
        billingEmail: 'compta@martin.example',
        phone: '+49 30 1234 5678',
        taxId: 'DE123456789',
      })
      .expect(303);
    const after = await db('llx_societe as s')
      .join('llx_c_country as co', 'co.rowid', 's.fk_pays')
      .where({ 's.rowid': seed.companies.bakery })
      .first('s.*', 'co.code as country_code');
    expect(after).to.include({
      address: 'Friedrichstraße 123\nHinterhaus',
      zip: '10117',
      town: 'Berlin',
      country_code: 'DE',
      email: 'compta@martin.example',
      phone: '+49 30 1234 5678',
      tva_intra: 'DE123456789',
      fk_user_modif: seed.users.admin,
      entity: before.entity,
      nom: before.nom,
    });
    expect(new Date(after.tms).getTime(), 'tms moved by Dolibarr’s trigger').to.be.greaterThan(new Date(before.tms).getTime());
    const changed = Object.keys(before).filter((column) => String(before[column]) !== String(after[column]));
    expect(changed.sort()).to.deep.equal(['address', 'email', 'fk_pays', 'fk_user_modif', 'phone', 'tms', 'town', 'tva_intra', 'zip']);
    expect(await db('client_activity_logs').where({ workspace_id: '1', event: 'company.details_changed' })).to.have.length(1);

    const pdf = flat(
      await pdfText(
        (await claire.get(`${base}/invoices/${seed.invoices.unpaid}.pdf`).buffer(true).parse(binary).expect(200)).body as Buffer,
      ),
    );
    expect(pdf)
      .to.contain('Friedrichstraße 123')
      .and.contain('10117 Berlin')
      .and.contain('DE123456789')
      .and.not.contain('8 place du Marché');
  });
});
