// The Company page beside a real Dolibarr database: a client admin's change lands on the third
// party (llx_societe) in the columns its card (societe/card.php) shows and Societe::update() writes
// (address, zip, town, fk_pays from llx_c_country, email, phone, tva_intra), with fk_user_modif the
// user the portal acts as and tms moved by Dolibarr's own update trigger; only the entity's client
// third parties answer; the next invoice PDF carries the change. Each change leaves the trace
// Societe::update leaves (compared with what Dolibarr 23 wrote for the same change): the
// COMPANY_MODIFY agenda event, the phone without spaces or dots, socialnetworks '[]' where
// Societe::create left 'null'; and a contact's own details the trace Contact::update leaves
// (CONTACT_MODIFY on the contact, socialnetworks and photo as it writes them back).
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
    // The agenda as Dolibarr installs it: the module on, COMPANY_MODIFY and CONTACT_MODIFY events
    // on (the defaults), the automatic events' type (install data, llx_c_actioncomm.sql); a third
    // party and a contact as Societe::create and Contact::create leave socialnetworks.
    await db('llx_c_actioncomm').insert({
      id: 40,
      code: 'AC_OTH_AUTO',
      type: 'systemauto',
      libelle: 'Other (automatically inserted events)',
      active: 1,
      position: 20,
    });
    await db('llx_const').insert(
      ['MAIN_MODULE_AGENDA', 'MAIN_AGENDA_ACTIONAUTO_COMPANY_MODIFY', 'MAIN_AGENDA_ACTIONAUTO_CONTACT_MODIFY'].map((name) => ({
        name,
        entity: 1,
        value: '1',
        type: 'chaine',
        visible: 0,
      })),
    );
    await db('llx_societe').whereIn('rowid', [seed.companies.bakery, seed.companies.prospect]).update({ socialnetworks: 'null' });
    await db('llx_socpeople').where({ fk_soc: seed.companies.bakery }).update({ socialnetworks: 'null', photo: null });
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
      phone: '+493012345678',
      tva_intra: 'DE123456789',
      fk_user_modif: seed.users.admin,
      entity: before.entity,
      nom: before.nom,
    });
    expect(new Date(after.tms).getTime(), 'tms moved by Dolibarr’s trigger').to.be.greaterThan(new Date(before.tms).getTime());
    const changed = Object.keys(before).filter((column) => String(before[column]) !== String(after[column]));
    expect(changed.sort()).to.deep.equal([
      'address',
      'email',
      'fk_pays',
      'fk_user_modif',
      'phone',
      'socialnetworks',
      'tms',
      'town',
      'tva_intra',
      'zip',
    ]);
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

  /** The agenda events written since `after`, with their attendees, as Dolibarr's Events tab reads them. */
  async function eventsSince(after: number) {
    const { db } = host;
    const events = await db('llx_actioncomm').where('id', '>', after).orderBy('id');
    const resources = await db('llx_actioncomm_resources')
      .whereIn(
        'fk_actioncomm',
        events.map((e) => e.id),
      )
      .orderBy('rowid');
    return events.map((e) => ({
      ...e,
      attendees: resources.filter((r) => r.fk_actioncomm === e.id).map((r) => [r.element_type, r.fk_element, r.mandatory, r.answer_status]),
    }));
  }
  const lastEvent = async () => Number((await host.db('llx_actioncomm').max('id as id').first())?.id ?? 0);

  it('leaves the trace Societe::update leaves: the COMPANY_MODIFY event, the phone stripped, socialnetworks []', async function () {
    const { db, seed } = host;
    const port = seededAdapter(host).companyDetails!;
    const company = seed.companies.prospect;
    const since = await lastEvent();
    await db.transaction((trx) =>
      port.update('1', String(company), { phone: ' +33 1.23.45.67.89 ', taxId: null }, { trx, ip: '198.51.100.7' }),
    );
    const row = await db('llx_societe').where({ rowid: company }).first();
    // As Dolibarr 23 wrote the same change ("+33 1.23.45.67.89" typed on the card): no spaces or dots.
    expect(row).to.include({ phone: '+33123456789', socialnetworks: '[]', tva_intra: '', fk_user_modif: seed.users.admin });
    const [event, ...more] = await eventsSince(since);
    expect(more).to.deep.equal([]);
    // Column by column, the row Dolibarr's agenda trigger wrote for Societe::update.
    expect(event).to.deep.include({
      ref: String(event!.id),
      entity: 1,
      fk_action: 40,
      code: 'AC_COMPANY_MODIFY',
      label: 'Third party Lefèvre Architectes modified',
      note: 'Third party Lefèvre Architectes modified',
      fk_soc: company,
      fk_contact: null,
      fk_project: null,
      fk_element: null,
      elementtype: null,
      fk_user_author: seed.users.admin,
      fk_user_action: seed.users.admin,
      percent: -1,
      durationp: 0,
      fulldayevent: 0,
      priority: 0,
      transparency: 0,
      location: '',
      status: 0,
      ip: '198.51.100.7',
      attendees: [['user', seed.users.admin, 0, '0']],
    });
    expect(event!.datep).to.deep.equal(event!.datep2);

    // Networks the agency entered stay; an agenda set not to record the change records none.
    await db('llx_societe').where({ rowid: company }).update({ socialnetworks: '{"skype":"lefevre"}' });
    await db('llx_const').where({ name: 'MAIN_AGENDA_ACTIONAUTO_COMPANY_MODIFY' }).update({ value: '0' });
    const quiet = await lastEvent();
    await db.transaction((trx) => port.update('1', String(company), { city: 'Lyon' }, { trx }));
    expect((await db('llx_societe').where({ rowid: company }).first()).socialnetworks).to.equal('{"skype":"lefevre"}');
    expect(await eventsSince(quiet)).to.deep.equal([]);
    await db('llx_const').where({ name: 'MAIN_AGENDA_ACTIONAUTO_COMPANY_MODIFY' }).update({ value: '1' });
  });

  it("leaves the trace Contact::update leaves on a contact's own details: the CONTACT_MODIFY event", async function () {
    const { db, seed } = host;
    const contacts = seededAdapter(host).contacts;
    const since = await lastEvent();
    const updated = await contacts.updateProfile!('1', String(seed.contacts.sophie), {
      name: 'Sophie Martin-Roux',
      phone: ' +33 6.12.34.56.78 ',
    });
    expect(updated).to.include({ name: 'Sophie Martin-Roux', phone: '+33 6.12.34.56.78' });
    const row = await db('llx_socpeople').where({ rowid: seed.contacts.sophie }).first();
    // As Dolibarr 23 wrote the same change: the phone only trimmed (Contact::update strips nothing),
    // socialnetworks and photo written back as fetch() read them.
    expect(row).to.include({
      firstname: 'Sophie',
      lastname: 'Martin-Roux',
      phone: '+33 6.12.34.56.78',
      socialnetworks: '[]',
      photo: '',
      fk_user_modif: seed.users.admin,
    });
    await db.transaction((trx) =>
      contacts.updateEmail!('1', String(seed.contacts.sophie), 'sophie.roux@martin.example', { trx, ip: '198.51.100.8' }),
    );
    const events = await eventsSince(since);
    expect(events).to.have.length(2);
    for (const [event, ip] of [
      [events[0]!, null],
      [events[1]!, '198.51.100.8'],
    ] as const) {
      // Column by column, the row Dolibarr's agenda trigger wrote for Contact::update: labelled
      // with the contact's $object->name, which a Contact does not have, and named by fk_contact.
      expect(event).to.deep.include({
        ref: String(event.id),
        fk_action: 40,
        code: 'AC_CONTACT_MODIFY',
        label: 'Contact  modified',
        note: 'Contact  modified',
        fk_soc: seed.companies.bakery,
        fk_contact: seed.contacts.sophie,
        fk_element: null,
        elementtype: null,
        fk_user_author: seed.users.admin,
        fk_user_action: seed.users.admin,
        percent: -1,
        ip,
        attendees: [
          ['user', seed.users.admin, 0, '0'],
          ['socpeople', seed.contacts.sophie, 0, '0'],
        ],
      });
    }
    // Another company's contact, or one of another entity: nothing written, no event.
    const after = await lastEvent();
    expect(await contacts.updateProfile!('2', String(seed.contacts.sophie), { name: 'X Y', phone: null })).to.equal(null);
    expect(await eventsSince(after)).to.deep.equal([]);
  });
});
