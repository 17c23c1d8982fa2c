// Directory provisioning (SCIM 2.0) beside a real Dolibarr database, over HTTP: a person the
// company's directory creates is linked to the Dolibarr contact of that third party with the same
// email; a person with none is refused with a SCIM error saying to add the contact first while the
// company's provisioning does not create contacts, and, once it does, gets a contact written as
// Dolibarr's own "New contact" card writes one, compared column by column with the rows Dolibarr's
// Contact::create wrote (new-contact.fixture.ts, captured from Dolibarr 23), its CONTACT_CREATE
// agenda event and, where the agency defined contact extra fields, their row; a contact of another
// third party with that email is never taken; deactivating disables the person. The token is
// written as the staff page writes it (its hash): the page is tested beside the reference CRM
// (src/features/directory-provisioning/test/staff-page.test.ts).
import { expect } from 'chai';
import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { hashToken } from '../../src/core/index.ts';
import type { HostAdapter } from '../../src/core/ports/host.ts';
import type { PortalOnHost } from '../support/portal-on-host.ts';
import { companySetting, seededAdapter, servePortalBeside, startDolibarrHost, unavailable, type DolibarrHost } from './dolibarr-host.ts';
import { DOLIBARR_IDS, DOLIBARR_NEW_CONTACT as DOLIBARR, NEW_CONTACT } from './new-contact.fixture.ts';

type Row = Record<string, unknown>;

const reason = unavailable();
const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const REFUSED = 'Add the contact there first';

/** Columns no two runs share: rowids, the rows' links to each other, refs, and moments. */
const VOLATILE = ['rowid', 'id', 'ref', 'fk_contact', 'fk_actioncomm', 'fk_object', 'datec', 'tms', 'datep', 'datep2'];
const comparable = (row: Row): Row => Object.fromEntries(Object.entries(row).filter(([column]) => !VOLATILE.includes(column)));

describe('dolibarr host: directory provisioning links people to Dolibarr contacts, and adds them as its card does', function () {
  this.timeout(180_000);
  let host: DolibarrHost;
  let adapter: HostAdapter;
  let running: PortalOnHost;
  let base: string;
  let token: string;
  const workspaceId = '1';

  const scim = (method: 'post' | 'patch', path: string, body: unknown) =>
    request(running.url)
      [method](`${base}${path}`)
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/scim+json')
      .send(JSON.stringify(body));
  const provision = (userName: string, name?: { givenName: string; familyName: string }) =>
    scim('post', '/Users', { schemas: [CORE_USER], userName, ...(name ? { name } : {}), active: true });
  const allowCreatingContacts = (allowed: boolean) =>
    host
      .db('portal_scim_companies')
      .insert({
        workspace_id: workspaceId,
        client_id: String(host.seed.companies.bakery),
        default_role: 'member',
        create_contacts: allowed,
      })
      .onConflict(['workspace_id', 'client_id'])
      .merge();
  const contactCount = async () => Number((await host.db('llx_socpeople').count<Array<{ n: string }>>('* as n'))[0]!.n);
  const clientUser = (id: string) => host.db('client_users').where({ workspace_id: workspaceId, id }).first<Row>();

  /** A fixture row with the ids of Dolibarr's install replaced by this database's. */
  function inThisDatabase(row: Row): Row {
    const mapped: Row = { ...row };
    for (const column of ['fk_user_creat', 'fk_user_modif', 'fk_user_author', 'fk_user_action'])
      if (row[column] === DOLIBARR_IDS.user) mapped[column] = host.seed.users.admin;
    if (row.fk_soc === DOLIBARR_IDS.company) mapped.fk_soc = host.seed.companies.bakery;
    return mapped;
  }

  /** Every row a new contact wrote, as the fixture holds Dolibarr's. */
  async function writtenFor(contactId: number) {
    const { db } = host;
    const events = await db('llx_actioncomm').where({ fk_contact: contactId, code: 'AC_CONTACT_CREATE' }).select<Row[]>();
    return {
      contact: (await db('llx_socpeople').where({ rowid: contactId }).first<Row>())!,
      events,
      attendees: await db('llx_actioncomm_resources')
        .whereIn(
          'fk_actioncomm',
          events.map((event) => event.id as number),
        )
        .orderBy('rowid')
        .select<Row[]>(),
      extraFields: await db('llx_socpeople_extrafields').where({ fk_object: contactId }).select<Row[]>(),
    };
  }

  before(async function () {
    // No real Dolibarr database here (no DATABASE_URL, or no schema file): `reason` says which,
    // and the file prints it as a test of its own; CI's PostgreSQL pass runs it.
    if (reason) this.skip();
    host = await startDolibarrHost({ portalTables: true });
    adapter = seededAdapter(host);
    const { db, seed } = host;
    // As Dolibarr's install data and the agenda module's activation leave them: the automatic
    // events' type and the CONTACT_CREATE event on; the fixture's third party is in France, as the
    // seeded bakery is (fk_pays 1).
    await db('llx_c_actioncomm').insert({ id: 40, code: 'AC_OTH_AUTO', type: 'systemauto', libelle: 'Other', active: 1, position: 20 });
    await db('llx_const').insert(
      [
        ['MAIN_MODULE_AGENDA', '1'],
        ['MAIN_AGENDA_ACTIONAUTO_CONTACT_CREATE', '1'],
      ].map(([name, value]) => companySetting(seed, name!, value!)),
    );
    expect((await db('llx_societe').where({ rowid: seed.companies.bakery }).first('fk_pays')).fk_pays).to.equal(DOLIBARR_IDS.country);
    running = await servePortalBeside(host, adapter);
    base = `/portal/${seed.workspaceSlug}/scim/v2`;
    token = randomBytes(32).toString('base64url');
    await db('portal_scim_tokens').insert({
      workspace_id: workspaceId,
      client_id: String(seed.companies.bakery),
      token_hash: hashToken(token),
      prefix: token.slice(0, 8),
      form_id: randomUUID(),
      created_by_staff_id: String(seed.users.admin),
      created_by_staff_name: 'Hélène Moreau',
    });
    await allowCreatingContacts(false);
  });
  after(async function () {
    await running?.close();
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  it('links a created person to the third party’s contact with that email, and deactivates them', async function () {
    const before = await contactCount();
    const created = await provision('Claire@Martin.example', { givenName: 'Claire', familyName: 'Martin' }).expect(201);
    const person = JSON.parse(created.text);
    expect(person.userName).to.equal('claire@martin.example');
    expect(await clientUser(person.id)).to.include({
      client_id: String(host.seed.companies.bakery),
      contact_id: String(host.seed.contacts.claire),
      status: 'invited',
    });
    expect(await contactCount()).to.equal(before);
    await scim('patch', `/Users/${person.id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', value: { active: false } }],
    }).expect(200);
    expect((await clientUser(person.id))!.status).to.equal('disabled');
  });

  it('refuses a person with no contact of that email while contacts are not created (another third party’s is not taken)', async function () {
    const before = await contactCount();
    for (const userName of [NEW_CONTACT.email, 'paul@dupont.example']) {
      const refused = await provision(userName);
      expect(refused.status, refused.text).to.equal(400);
      const body = JSON.parse(refused.text);
      expect(body).to.include({ status: '400', scimType: 'invalidValue' });
      expect(body.detail).to.contain(REFUSED);
    }
    expect(await contactCount()).to.equal(before);
    expect(await host.db('client_users').whereIn('email', [NEW_CONTACT.email, 'paul@dupont.example'])).to.have.length(0);
  });

  it("adds the contact as Dolibarr's card does once allowed, compared column by column with Dolibarr's", async function () {
    await allowCreatingContacts(true);
    const [givenName, familyName] = NEW_CONTACT.name.split(' ') as [string, string];
    const created = await provision(NEW_CONTACT.email, { givenName, familyName }).expect(201);
    const person = JSON.parse(created.text);
    const user = (await clientUser(person.id))!;
    expect(user).to.include({ client_id: String(host.seed.companies.bakery), status: 'invited' });
    const contactId = Number(user.contact_id);
    const written = await writtenFor(contactId);

    expect(comparable(written.contact)).to.deep.equal(comparable(inThisDatabase(DOLIBARR.llx_socpeople)));
    expect(written.contact.datec).to.be.instanceOf(Date);
    // The event keeps the address the directory's request came from, as the card's keeps the browser's.
    expect(written.events[0]!.ip).to.match(/127\.0\.0\.1$/);
    expect(written.events.map((event) => comparable({ ...event, ip: null }))).to.deep.equal([
      comparable(inThisDatabase(DOLIBARR.llx_actioncomm)),
    ]);
    expect(written.events[0]!.fk_contact).to.equal(contactId);
    expect(written.attendees.map((attendee) => comparable(attendee))).to.deep.equal(
      DOLIBARR.llx_actioncomm_resources
        .map((attendee) => comparable(inThisDatabase(attendee)))
        .map((attendee, index) => (index === 1 ? { ...attendee, fk_element: contactId } : attendee)),
    );
    // No contact extra fields defined: no row, as Dolibarr writes none.
    expect(written.extraFields).to.deep.equal([]);
    // The portal reads it back as any contact of the company.
    expect(await adapter.contacts.findByEmail(workspaceId, NEW_CONTACT.email)).to.deep.include.members([
      {
        id: String(contactId),
        workspaceId,
        clientId: String(host.seed.companies.bakery),
        clientName: 'Boulangerie Martin',
        name: NEW_CONTACT.name,
        email: NEW_CONTACT.email,
        phone: null,
      },
    ]);
  });

  it('adds a contact of its own for an email only another third party’s contact has', async function () {
    const { db, seed } = host;
    const paulBefore = await db('llx_socpeople').where({ rowid: seed.contacts.paul }).first<Row>();
    const created = await provision('paul@dupont.example', { givenName: 'Paul', familyName: 'Dupont' }).expect(201);
    const user = (await clientUser(JSON.parse(created.text).id))!;
    expect(user.contact_id).to.not.equal(String(seed.contacts.paul));
    expect(
      await db('llx_socpeople')
        .where({ rowid: Number(user.contact_id) })
        .first('fk_soc', 'email', 'firstname', 'lastname'),
    ).to.deep.equal({
      fk_soc: seed.companies.bakery,
      email: 'paul@dupont.example',
      firstname: 'Paul',
      lastname: 'Dupont',
    });
    expect(await db('llx_socpeople').where({ rowid: seed.contacts.paul }).first<Row>()).to.deep.equal(paulBefore);
  });

  describe('where the agency defined contact extra fields', function () {
    before(async function () {
      // No real Dolibarr database here (no DATABASE_URL, or no schema file): `reason` says which.
      if (reason) this.skip();
      // As ExtraFields::addExtraField defines them: its llx_extrafields rows, and its columns.
      const { db } = host;
      await db('llx_extrafields').insert(DOLIBARR.extraFields.llx_extrafields.map((field) => ({ ...field, datec: db.fn.now() })));
      for (const [column, type] of Object.entries(DOLIBARR.extraFields.columns))
        await db.raw(`alter table llx_socpeople_extrafields add column ${column} ${type}`);
    });

    it("writes their row as Dolibarr's card leaves it, each field its default or empty", async function () {
      const created = await provision('ella.ext@example.com', { givenName: 'Ella', familyName: 'Ext' }).expect(201);
      const contactId = Number((await clientUser(JSON.parse(created.text).id))!.contact_id);
      const written = await writtenFor(contactId);
      expect(written.extraFields.map((row) => comparable(row))).to.deep.equal([DOLIBARR.extraFields.llx_socpeople_extrafields]);
      expect(written.contact).to.include({ firstname: 'Ella', lastname: 'Ext', email: 'ella.ext@example.com' });
    });

    it('adds none where a required field has no default, as the card refuses the form', async function () {
      const { db } = host;
      await db('llx_extrafields').where({ elementtype: 'socpeople', name: 'department' }).update({ fieldrequired: 1 });
      try {
        const before = await contactCount();
        expect(
          await adapter.contacts.create!(workspaceId, String(host.seed.companies.bakery), {
            name: 'No Department',
            email: 'nodep@example.com',
          }),
        ).to.equal(null);
        expect(await contactCount()).to.equal(before);
        // Over SCIM the directory is told why, and what to do.
        await allowCreatingContacts(true);
        const refused = await provision('nodep@example.com');
        expect(refused.status, refused.text).to.equal(400);
        expect(JSON.parse(refused.text).detail).to.contain('could not create a contact for this person');
        expect(await contactCount()).to.equal(before);
        // A default fills it, as it fills the form.
        await db('llx_extrafields').where({ elementtype: 'socpeople', name: 'department' }).update({ fielddefault: 'Sales' });
        expect(
          await adapter.contacts.create!(workspaceId, String(host.seed.companies.bakery), {
            name: 'With Default',
            email: 'withdefault@example.com',
          }),
        ).to.include({ email: 'withdefault@example.com' });
      } finally {
        await db('llx_extrafields')
          .where({ elementtype: 'socpeople', name: 'department' })
          .update({ fieldrequired: 0, fielddefault: null });
      }
    });
  });

  it('names and cases the contact under the entity’s settings, in the agency’s country where the third party has none', async function () {
    const { db, seed } = host;
    // Dolibarr 23's own Contact::create under these settings wrote firstname 'Jean-Pierre', lastname
    // "O'NEIL-DUPONT", email lower-cased, the event "Contact O'NEIL-DUPONT Jean-Pierre created".
    const settings = [
      companySetting(seed, 'MAIN_FIRST_TO_UPPER', '1'),
      companySetting(seed, 'MAIN_ALL_TO_UPPER', '1'),
      companySetting(seed, 'MAIN_FIRSTNAME_NAME_POSITION', '1'),
      companySetting(seed, 'MAIN_INFO_SOCIETE_COUNTRY', '5:DE:Germany'),
    ];
    await db('llx_const').insert(settings);
    await db('llx_societe').where({ rowid: seed.companies.garage }).update({ fk_pays: 0 });
    try {
      const contact = await adapter.contacts.create!(workspaceId, String(seed.companies.garage), {
        name: "  jean-pierre   o'neil-dupont ",
        email: ' JP@Example.com ',
      });
      expect(contact).to.include({ clientId: String(seed.companies.garage), name: "Jean-Pierre O'NEIL-DUPONT", email: 'jp@example.com' });
      const written = await writtenFor(Number(contact!.id));
      expect(written.contact).to.include({ firstname: 'Jean-Pierre', lastname: "O'NEIL-DUPONT", email: 'jp@example.com', fk_pays: 5 });
      expect(written.events.map((event) => event.label)).to.deep.equal(["Contact O'NEIL-DUPONT Jean-Pierre created"]);
      // One word: the card's required last name.
      const single = await adapter.contacts.create!(workspaceId, String(seed.companies.garage), {
        name: 'Cher',
        email: 'cher@example.com',
      });
      expect(
        await db('llx_socpeople')
          .where({ rowid: Number(single!.id) })
          .first('firstname', 'lastname'),
      ).to.deep.equal({
        firstname: '',
        lastname: 'CHER',
      });
    } finally {
      await db('llx_const')
        .whereIn(
          'name',
          settings.map((setting) => setting.name),
        )
        .delete();
      await db('llx_societe').where({ rowid: seed.companies.garage }).update({ fk_pays: 1 });
    }
  });

  it('adds none for a company that is not a client of the workspace, or in another workspace', async function () {
    const { seed } = host;
    const before = await contactCount();
    const attempt = (ws: string, clientId: number) =>
      adapter.contacts.create!(ws, String(clientId), { name: 'Nobody Here', email: 'nobody@example.com' });
    expect(await attempt(workspaceId, seed.companies.supplier)).to.equal(null);
    expect(await attempt(workspaceId, seed.companies.closed)).to.equal(null);
    expect(await attempt('2', seed.companies.bakery)).to.equal(null);
    expect(await contactCount()).to.equal(before);
  });
});
