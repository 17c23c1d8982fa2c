// Alga PSA's client permissions decide who is told, not only who sees: on Alga's real schema with
// its client roles seeded as Alga seeds them, three people of Harbor Bakery whom the portal itself
// lets see everything (client admins, nothing hidden): Claire, whose Alga login is made a Finance
// client, Sophie, a User (no `billing` read), and Marc, a contact without an Alga login (a User,
// as Alga's invitation would make him). An invoice finalized and a quote sent in Alga's own pages,
// read from its news, tell Claire (a notification row each, the invoice emailed at once, the quote
// in her daily email) and neither of the others: no row (so nothing in their list or unread count),
// no email, no daily email. A daily email goes with only what the person's Alga role grants when
// it goes; a reminder of an expiring quote goes to Claire alone. Each batch of people asks Alga
// once (role_permissions read once per event, per daily-email batch and per reminder pass). Her
// copy of her data, built once her Alga role no longer reads billing, says she viewed an invoice
// but not which number: the invoice is the agency's record, not her data.
import { expect } from 'chai';
import type { Knex } from 'knex';
import request from 'supertest';
import { insertClientUser } from '../../src/core/client-users/queries.ts';
import { addDays } from '../../src/features/offers/reminders/service.ts';
import { csrfFrom, signedInAgent } from '../support/portal-harness.ts';
import { hostNewsPass, type PortalOnHost } from '../support/portal-on-host.ts';
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.ts';
import { unzip } from '../support/unzip.ts';
import { portalBesideAlga, startAlgaHost, unavailable, type AlgaHost } from './alga-host.ts';
import { CLAIRE_PASSWORD } from './seed.ts';

const reason = unavailable();
const CLAIRE = { email: 'claire@harbor.example', password: CLAIRE_PASSWORD };
const SOPHIE = { email: 'sophie@harbor.example', password: 'Sophie-alga-2026!' };
const MARC = 'marc@harbor.example';

describe("alga-psa host: Alga's client permissions decide who is told of invoices and quotations", function () {
  this.timeout(240_000);
  let host: AlgaHost;
  let running: PortalOnHost;
  let smtp: SmtpCapture;
  let slug: string;
  let base: string;
  const people = { claire: '', sophie: '', marc: '' };
  /** Alga's statements reading client permissions since the last reset (each one a question to the host). */
  let permissionReads: string[] = [];
  const onQuery = (query: { sql: string }) => {
    if (/role_permissions/.test(query.sql)) permissionReads.push(query.sql);
  };

  const tenant = () => host.seed.tenant;
  const roleId = (role: 'Admin' | 'Finance' | 'User') => host.seed.clientRoles[role];
  /** Gives a client login this one client role, as Alga's user settings do. */
  const giveRole = async (userId: string, role: 'Admin' | 'Finance' | 'User') => {
    await host.db('user_roles').where({ tenant: tenant(), user_id: userId }).delete();
    await host.db('user_roles').insert({ tenant: tenant(), user_id: userId, role_id: roleId(role) });
  };
  const rowsOf = (clientUserId: string) =>
    host.db('portal_client_notifications').where({ workspace_id: tenant(), client_user_id: clientUserId }).orderBy('id');
  /** Every queued email delivered to the SMTP capture; answers the recipients, sorted. */
  const delivered = async () => {
    await running.portal.drainOutbox();
    return smtp.messages.flatMap((m) => m.to).sort();
  };
  const sendQuote = (db: Knex, quoteId: string) =>
    db('quotes').where({ tenant: tenant(), quote_id: quoteId }).update({ status: 'sent', sent_at: db.fn.now(), updated_at: db.fn.now() });
  /** The daily emails, with every person's last one taken as a day ago. */
  const digests = async () => {
    await host.db('portal_client_preferences').where({ workspace_id: tenant() }).update({ last_digest_at: null });
    return running.portal.clientNotifications.digests();
  };

  before(async function () {
    if (reason) this.skip();
    host = await startAlgaHost();
    smtp = await startSmtpCapture();
    ({ running, slug } = await portalBesideAlga(host, { serve: true, smtpUrl: smtp.url }));
    base = `/portal/${slug}`;
    const { db, seed } = host;
    await giveRole(seed.users.claire, 'Finance');
    await giveRole(seed.users.sophie, 'User');
    // Sign-in makes Claire's and Sophie's portal logins; Marc is a contact Alga never gave a login.
    await signedInAgent(request.agent(running.url), slug, CLAIRE);
    await signedInAgent(request.agent(running.url), slug, SOPHIE);
    const [marc] = await db('contacts')
      .insert({
        tenant: tenant(),
        client_id: seed.clients.bakery,
        full_name: 'Marc Petit',
        email: MARC,
        is_inactive: false,
        is_client_admin: false,
      })
      .returning<Array<{ contact_name_id: string }>>('contact_name_id');
    await insertClientUser(db, {
      workspaceId: tenant(),
      clientId: seed.clients.bakery,
      contactId: marc!.contact_name_id,
      email: MARC,
      status: 'active',
    });
    // The portal itself hides nothing from any of them: whatever they are not told, Alga's role took away.
    await db('client_users')
      .where({ workspace_id: tenant(), client_id: seed.clients.bakery })
      .update({ role: 'admin', denied_permissions: [] });
    const ids = await db('client_users').where({ workspace_id: tenant() }).select('id', 'email');
    const idOf = (email: string) => String(ids.find((row) => row.email === email)!.id);
    people.claire = idOf(CLAIRE.email);
    people.sophie = idOf(SOPHIE.email);
    people.marc = idOf(MARC);
    // Quotes come in the daily email, invoices at once (their default).
    for (const id of Object.values(people)) {
      await db('portal_client_preferences')
        .insert({ workspace_id: tenant(), client_user_id: id, notification_channels: JSON.stringify({ offer_sent: 'digest' }) })
        .onConflict(['workspace_id', 'client_user_id'])
        .merge();
    }
    // The first read of Alga's news tells of nothing already there.
    expect(await hostNewsPass(db, running)).to.equal(0);
    db.on('query', onQuery);
  });
  after(async function () {
    host?.db.off('query', onQuery);
    await running?.close();
    await smtp?.stop();
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  it('tells the Finance client of a new invoice and a sent quote, in her list, at once and in her daily email; the Users nothing', async function () {
    const { db, seed } = host;
    smtp.clear();
    permissionReads = [];
    const now = db.fn.now();
    await db('invoices')
      .where({ tenant: tenant(), invoice_id: seed.invoices.draft })
      .update({ status: 'sent', finalized_at: now, updated_at: now });
    await sendQuote(db, seed.quotes.draft);
    // Two events, each told to one person: Alga asked once per event, whatever the number of people.
    expect(await hostNewsPass(db, running)).to.equal(2);
    expect(permissionReads, 'questions to Alga for two events of three people each').to.have.length(2);
    console.log(`      two notifications to Harbor Bakery's three people: ${permissionReads.length} reads of Alga's client permissions`);

    expect((await rowsOf(people.claire)).map((row) => row.kind)).to.deep.equal(['invoice_issued', 'offer_sent']);
    expect(await rowsOf(people.sophie), "Sophie's notifications").to.deep.equal([]);
    expect(await rowsOf(people.marc), "Marc's notifications").to.deep.equal([]);
    expect(await delivered(), 'emailed at once').to.deep.equal([CLAIRE.email]);

    // Her list and unread count show the invoice; Sophie's show nothing.
    const claire = await signedInAgent(request.agent(running.url), slug, CLAIRE);
    const invoiceNumber = (await db('invoices').where({ tenant: tenant(), invoice_id: seed.invoices.draft }).first('invoice_number'))
      .invoice_number;
    expect((await claire.get(`${base}/notifications`).expect(200)).text).to.include(invoiceNumber);
    const sophie = await signedInAgent(request.agent(running.url), slug, SOPHIE);
    expect((await sophie.get(`${base}/notifications`).expect(200)).text).to.not.include(invoiceNumber);

    smtp.clear();
    permissionReads = [];
    expect(await digests(), 'daily emails sent').to.equal(1);
    expect(permissionReads, 'questions to Alga for the daily emails').to.have.length(1);
    expect(await delivered(), 'daily emails').to.deep.equal([CLAIRE.email]);
  });

  it("sends a daily email with only what the person's Alga role grants when it goes", async function () {
    const { db, seed } = host;
    // Sophie is a Finance client when the quote is sent, and a User again before her daily email.
    await giveRole(seed.users.sophie, 'Finance');
    try {
      await sendQuote(db, seed.quotes.race);
      await hostNewsPass(db, running);
      const waiting = await rowsOf(people.sophie).where({ subject_id: seed.quotes.race });
      expect(waiting.map((row) => row.channel)).to.deep.equal(['digest']);
    } finally {
      await giveRole(seed.users.sophie, 'User');
    }
    // What she was emailed at once as a Finance client (the news' look back reads the invoice again) is not the daily email's.
    await running.portal.drainOutbox();
    smtp.clear();
    expect(await digests()).to.equal(1);
    expect(await delivered(), 'daily emails').to.deep.equal([CLAIRE.email]);
  });

  it('reminds the Finance client of an expiring quote, and not the Users, asking Alga once for the pass', async function () {
    const { db, seed } = host;
    const today = new Date().toISOString().slice(0, 10);
    await db('quotes')
      .where({ tenant: tenant(), quote_id: seed.quotes.accept })
      .update({ valid_until: `${addDays(today, 2)}T00:00:00Z` });
    smtp.clear();
    permissionReads = [];
    expect(await running.portal.offerReminders.run(), 'reminders queued').to.equal(1);
    expect(permissionReads, 'questions to Alga for the pass').to.have.length(1);
    expect(await delivered(), 'reminded').to.deep.equal([CLAIRE.email]);
  });

  it("keeps the invoice's number out of her copy of her data once her Alga role no longer reads billing", async function () {
    const { db, seed } = host;
    const { unpaid } = seed.invoices;
    const number = (await db('invoices').where({ tenant: tenant(), invoice_id: unpaid }).first('invoice_number')).invoice_number;
    const sophie = await signedInAgent(request.agent(running.url), slug, SOPHIE);
    await giveRole(seed.users.sophie, 'Finance');
    try {
      expect((await sophie.get(`${base}/invoices/${unpaid}`).expect(200)).text).to.include(number);
    } finally {
      await giveRole(seed.users.sophie, 'User');
    }
    const page = await sophie.get(`${base}/account/data`).expect(200);
    await sophie
      .post(`${base}/account/data/export`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
      .expect(303);
    expect(await running.portal.dataExports.run()).to.equal(1);
    const ready = await sophie.get(`${base}/account/data`).expect(200);
    const href = /href="([^"]+\/download)"/.exec(ready.text)?.[1];
    expect(href, 'a download link').to.be.a('string');
    const download = await sophie
      .get(href!.replace(/&amp;/g, '&'))
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const zip = await unzip(download.body as Buffer);
    const activity = JSON.parse(zip.get('activity.json')!.toString('utf8')) as Array<{ event: string; details: Record<string, unknown> }>;
    const viewed = activity.filter((entry) => entry.event === 'invoice.viewed');
    expect(viewed, 'her viewing the invoice').to.have.length(1);
    expect(viewed[0]!.details).to.include({ invoiceId: unpaid });
    expect(JSON.stringify(activity), 'the invoice number in her copy').to.not.include(number);
  });
});
