// Reminder emails before an offer's valid-until date, end to end: two app instances of the
// reference CRM with the portal on one database, each mailing through its own real SMTP server,
// both running a reminder pass at once. Covers who gets one (every active client user of the
// offer's client, in their language, with an absolute link to the offer), who does not (answered
// offers, another client's users, a disabled user, a workspace whose portal flag or proposals
// switch is off), that each reminder goes out once however many passes and instances run, that a
// moved valid-until date earns a new one, and that staff see it in the client activity log.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { insertClientUser, saveSettings } from '../../../core/index.ts';
import { addDays } from '../reminders/service.ts';
import { startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';
import type { CapturedMessage } from '../../../../test/support/smtp-capture.ts';
import { countQueries } from '../../../../test/support/query-counter.ts';
import { setAsideDemoRoleLogins } from '../../../../test/support/demo-records.ts';

describe('offer reminder emails', function () {
  this.timeout(120_000);
  let one: PortalHarness;
  let two: PortalHarness;
  let db: Knex;
  const today = new Date().toISOString().slice(0, 10);
  const ids = { demo: '', acme: '' };
  // Northwind's open proposal and accepted quotation and draft proposal, Bluebell's open quotation, acme's open proposal.
  const offers = { northwindOpen: 0, northwindAccepted: 0, northwindDraft: 0, bluebellOpen: 0, acmeOpen: 0 };

  const workspaceId = async (slug: string) => String(((await db('workspaces').where({ slug }).first('id')) as { id: number }).id);
  const clientId = async (slug: string, name: string) =>
    (
      (await db('clients as c')
        .join('workspaces as w', 'w.id', 'c.workspace_id')
        .where({ 'w.slug': slug })
        .andWhereILike('c.name', `${name}%`)
        .first('c.id')) as { id: number }
    ).id;
  const contact = async (clientIdValue: number, email: string) =>
    (await db('contacts').where({ client_id: clientIdValue, email }).first('id', 'workspace_id')) as { id: number; workspace_id: number };
  const offerOf = async (table: 'proposals' | 'quotations', clientIdValue: number, status: string) =>
    ((await db(table).where({ client_id: clientIdValue, status }).orderBy('id').first('id')) as { id: number }).id;

  /** One pass on both instances at once, then every queued email delivered; answers what arrived. */
  async function remindEverywhere(): Promise<{ queued: number; mail: CapturedMessage[] }> {
    one.smtp.clear();
    two.smtp.clear();
    const counts = await Promise.all([one.crm.portal.offerReminders.run(), two.crm.portal.offerReminders.run()]);
    await Promise.all([one.crm.portal.drainOutbox(), two.crm.portal.drainOutbox()]);
    return { queued: counts[0]! + counts[1]!, mail: [...one.smtp.messages, ...two.smtp.messages] };
  }

  before(async function () {
    // The portal is on for demo only: acme's clients get nothing.
    one = await startPortalHarness({ enabledFor: ['demo'] });
    two = await startPortalHarness({ enabledFor: ['demo'], database: one.database });
    db = one.crm.db;
    ids.demo = await workspaceId('demo');
    ids.acme = await workspaceId('acme');
    // The host's offers, as this test needs them: nothing lapsing but the offers named below.
    await db('proposals').update({ valid_until: null });
    await db('quotations').update({ valid_until: null });
    const northwind = await clientId('demo', 'Northwind');
    const bluebell = await clientId('demo', 'Bluebell');
    const acmeNorthwind = await clientId('acme', 'Northwind');
    offers.northwindOpen = await offerOf('proposals', northwind, 'sent');
    offers.northwindDraft = await offerOf('proposals', northwind, 'draft');
    offers.northwindAccepted = await offerOf('quotations', northwind, 'accepted');
    offers.bluebellOpen = await offerOf('quotations', bluebell, 'sent');
    offers.acmeOpen = await offerOf('proposals', acmeNorthwind, 'sent');
    const inTwoDays = addDays(today, 2);
    await db('proposals').whereIn('id', [offers.northwindOpen, offers.northwindDraft, offers.acmeOpen]).update({ valid_until: inTwoDays });
    await db('quotations').whereIn('id', [offers.northwindAccepted, offers.bluebellOpen]).update({ valid_until: inTwoDays });
    // Northwind: Maria reads German, Tom (a new active login) English, the demo's other people set
    // aside; Bluebell: Priya, and Owen disabled.
    await setAsideDemoRoleLogins(db);
    await db('client_users').where({ workspace_id: ids.demo, email: 'maria@northwind.test' }).update({ locale: 'de', status: 'active' });
    const tom = await contact(northwind, 'tom@northwind.test');
    await insertClientUser(db, {
      workspaceId: ids.demo,
      clientId: String(northwind),
      contactId: String(tom.id),
      email: 'tom@northwind.test',
      status: 'active',
    });
    const owen = await contact(bluebell, 'owen@bluebell.test');
    await insertClientUser(db, {
      workspaceId: ids.demo,
      clientId: String(bluebell),
      contactId: String(owen.id),
      email: 'owen@bluebell.test',
      status: 'disabled',
    });
    // acme has active users, and an open offer of theirs lapses: only its portal flag keeps them unreminded.
    expect(await db('client_users').where({ workspace_id: ids.acme, client_id: String(acmeNorthwind), status: 'active' })).to.have.length(
      1,
    );
  });

  after(async function () {
    await two?.close();
    await one?.close();
  });

  it("emails each active user of the offer's client once, in their language, with a link to the offer", async function () {
    const { queued, mail } = await remindEverywhere();
    const recipients = mail.map((m) => m.to.join(',')).sort();
    expect(recipients).to.deep.equal(['maria@northwind.test', 'priya@bluebell.test', 'tom@northwind.test']);
    expect(queued).to.equal(3);

    const number = ((await db('proposals').where({ id: offers.northwindOpen }).first('number')) as { number: string }).number;
    const maria = mail.find((m) => m.to.includes('maria@northwind.test'))!;
    expect(maria.subject)
      .to.match(/^Erinnerung: Angebot /)
      .and.include(number)
      .and.include('gilt bis');
    expect(maria.text).to.include('wartet auf Ihre Antwort');
    expect(maria.text).to.include(`/portal/demo/proposals/${offers.northwindOpen}`);
    expect(maria.text).to.match(/https?:\/\/[^\s]+\/portal\/demo\/proposals\/\d+/);
    // The German date: 25.11.2026, not 2026-11-25.
    const [y, mo, d] = addDays(today, 2).split('-');
    expect(maria.text).to.include(`${d}.${mo}.${y}`);

    const tom = mail.find((m) => m.to.includes('tom@northwind.test'))!;
    expect(tom.subject)
      .to.match(/^Reminder: proposal /)
      .and.include(number);
    expect(tom.text).to.include('is waiting for your answer').and.include(`/portal/demo/proposals/${offers.northwindOpen}`);
    expect(tom.html).to.include('<p>');

    const priya = mail.find((m) => m.to.includes('priya@bluebell.test'))!;
    expect(priya.subject).to.match(/^Reminder: quotation /);
    expect(priya.text).to.include(`/portal/demo/quotations/${offers.bluebellOpen}`);
    // Nobody hears of another client's offer, nor of the accepted quotation or the draft.
    for (const message of mail) {
      expect(message.text).to.not.include(`/quotations/${offers.northwindAccepted}`);
      expect(message.text).to.not.include(`/proposals/${offers.northwindDraft}`);
    }
    expect(maria.text).to.not.include(`/quotations/${offers.bluebellOpen}`);
  });

  it('sends nothing again on later passes of either instance', async function () {
    expect(await remindEverywhere()).to.deep.equal({ queued: 0, mail: [] });
    const rows = await db('portal_offer_reminders').where({ workspace_id: ids.demo }).select('client_user_id');
    expect(rows).to.have.length(3);
    expect(await db('portal_offer_reminders').whereNot({ workspace_id: ids.demo })).to.deep.equal([]);
  });

  it('logs each reminder in the client activity log', async function () {
    const logged = await db('client_activity_logs')
      .where({ workspace_id: ids.demo, event: 'offer.reminder_sent' })
      .select('email', 'details');
    expect(logged.map((row: { email: string }) => row.email).sort()).to.deep.equal([
      'maria@northwind.test',
      'priya@bluebell.test',
      'tom@northwind.test',
    ]);
    expect((logged[0] as { details: { offerId: string; validUntil: string } }).details).to.include({ validUntil: addDays(today, 2) });
  });

  it('reminds again when the host moves the valid-until date', async function () {
    await db('proposals')
      .where({ id: offers.northwindOpen })
      .update({ valid_until: addDays(today, 3) });
    const { mail } = await remindEverywhere();
    expect(mail.map((m) => m.to.join(',')).sort()).to.deep.equal(['maria@northwind.test', 'tom@northwind.test']);
    expect(mail[0]!.text).to.include(`/proposals/${offers.northwindOpen}`);
  });

  it('leaves out offers past their date or beyond the window', async function () {
    await db('proposals')
      .where({ id: offers.northwindOpen })
      .update({ valid_until: addDays(today, -1) });
    await db('quotations')
      .where({ id: offers.bluebellOpen })
      .update({ valid_until: addDays(today, 4) });
    expect((await remindEverywhere()).mail).to.deep.equal([]);
  });

  it('sends nothing for a workspace whose proposals switch is off', async function () {
    await db('proposals').where({ id: offers.northwindOpen }).update({ valid_until: today });
    const admin = ((await db('staff_users').where({ workspace_id: ids.demo, role: 'admin' }).first('id')) as { id: number }).id;
    await saveSettings(db, ids.demo, { showProposals: false }, String(admin));
    await one.crm.portal.workspaceChanged(ids.demo);
    await two.crm.portal.workspaceChanged(ids.demo);
    expect((await remindEverywhere()).mail).to.deep.equal([]);

    await saveSettings(db, ids.demo, { showProposals: true }, String(admin));
    await one.crm.portal.workspaceChanged(ids.demo);
    await two.crm.portal.workspaceChanged(ids.demo);
    const { mail } = await remindEverywhere();
    expect(mail.map((m) => m.to.join(',')).sort()).to.deep.equal(['maria@northwind.test', 'tom@northwind.test']);
  });

  it('costs nothing per workspace with the switch off, and scopes every other query by workspace', async function () {
    // A thousand workspaces with an active client user each and the proposals switch off.
    const off = Array.from({ length: 1000 }, (_, i) => `off-${i}`);
    await db.batchInsert(
      'client_users',
      off.map((ws) => ({ workspace_id: ws, client_id: '1', contact_id: '1', email: `${ws}@example.test`, status: 'active' })),
      500,
    );
    await db.batchInsert(
      'workspace_client_portal_settings',
      off.map((ws) => ({ workspace_id: ws, show_proposals: false, updated_by_staff_id: '1' })),
      500,
    );
    await one.crm.portal.offerReminders.run();
    const counter = countQueries();
    try {
      const started = process.hrtime.bigint();
      const pass = await counter.measure(() => one.crm.portal.offerReminders.run());
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      console.log(`      a pass over 1,000 workspaces with the switch off, demo and acme: ${pass.count} queries, ${ms.toFixed(1)} ms`);
      // One to find the workspaces; for demo (everything sent already) the host's two reads, its
      // client users and the reminders sent; none for acme (flag off) or the thousand.
      expect(pass.count, pass.sql.join('\n')).to.be.at.most(5);
      const portalReads = pass.sql.filter((sql) => /portal_offer_reminders|client_users/.test(sql));
      const [findWorkspaces, ...scoped] = portalReads;
      expect(findWorkspaces).to.match(/distinct/);
      for (const sql of scoped) expect(sql, sql).to.match(/"workspace_id" = (\?|\$1)/);
      expect(scoped).to.have.length(2);
    } finally {
      counter.stop();
      await db('workspace_client_portal_settings').whereIn('workspace_id', off).delete();
      await db('client_users').whereIn('workspace_id', off).delete();
    }
  });
});
