// A staff member's own language for the portal's staff side, whatever the browser asks: chosen on
// "Your language" (reached from every staff page's header), kept per staff member by the portal,
// and used for the staff pages (with their lang attribute), the portal's items in the CRM's header
// and the notification emails. Colleagues keep theirs; a bad choice or a return address outside
// the portal's staff pages is refused or ignored.
import { expect } from 'chai';
import { createNotifications } from '../service.ts';
import { insertActivity, type MailMessage } from '../../../core/index.ts';
import { createReferenceCrmAdapter } from '../../../../plugins/reference-crm/binding/adapter.ts';
import { csrfFrom, signedInStaffAgent, startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';

const LANGUAGE = '/client-portal/notifications/language';
const SETTINGS = '/settings/client-portal';

describe("a staff member's own language", function () {
  this.timeout(120_000);
  let h: PortalHarness;
  let admin: ReturnType<PortalHarness['agent']>;
  let member: ReturnType<PortalHarness['agent']>;
  let workspaceId: string;

  before(async function () {
    h = await startPortalHarness();
    admin = await signedInStaffAgent(h, 'demo', 'admin');
    member = await signedInStaffAgent(h, 'demo', 'member');
    workspaceId = (await h.crm.adapter.workspaces.findBySlug('demo'))!.id;
  });
  after(async function () {
    await h?.close();
  });

  const english = { 'Accept-Language': 'en-US,en;q=0.9' };

  it('is offered from the staff pages and kept for that staff member alone', async function () {
    const settings = await admin.get(SETTINGS).set(english).expect(200);
    expect(settings.text).to.include(`href="${LANGUAGE}?returnTo=%2Fsettings%2Fclient-portal">Language: English</a>`);
    const form = await admin
      .get(`${LANGUAGE}?returnTo=${encodeURIComponent(SETTINGS)}`)
      .set(english)
      .expect(200);
    expect(form.text).to.include('<h1>Your language</h1>').and.include('<option value="de" lang="de">Deutsch</option>');

    const saved = await admin
      .post(LANGUAGE)
      .set(english)
      .type('form')
      .send({ _csrf: csrfFrom(form.text), locale: 'de', returnTo: SETTINGS })
      .expect(303);
    expect(saved.headers.location).to.equal(`${LANGUAGE}?saved=1&returnTo=%2Fsettings%2Fclient-portal`);
    const confirmed = await admin.get(saved.headers.location!).set(english).expect(200);
    expect(confirmed.text).to.include('Ihre Sprache ist gespeichert.').and.include(`href="${SETTINGS}">Zurück zur vorherigen Seite</a>`);

    // Something unread, so the header carries its badge.
    await insertActivity(h.crm.db, {
      workspaceId,
      event: 'ticket.opened',
      clientId: null,
      email: 'maria@northwind.test',
      details: { ref: 'TIC-0099' },
    });
    // The browser asks for English; the staff member chose German.
    const german = await admin.get(SETTINGS).set(english).expect(200);
    expect(german.text).to.match(/<div class="admin admin--embedded" lang="de"/);
    expect(german.text).to.include('Sprache: Deutsch');
    // The portal's own items in the CRM's header follow; the CRM's own navigation stays the CRM's.
    expect(german.text).to.include('>Kundenbenachrichtigungen').and.include('>Kundennachrichten');
    // A screen reader hears the badge in the same language, and the CRM's invoice page names the
    // portal's record page in it too.
    expect(german.text).not.to.include('> unread<');
    expect(german.text).to.match(/class="badge">\d+<span class="visually-hidden"> ungelesen<\/span>/);
    const invoice = await h.crm.db('invoices').where({ workspace_id: workspaceId }).orderBy('id').first('id');
    const invoicePage = await admin.get(`/invoices/${invoice.id}`).set(english).expect(200);
    expect(invoicePage.text).to.include('Kundenportal: Aktivität, Nachweise und öffentliche Links');
    const inbox = await admin.get('/client-messages').set(english).expect(200);
    expect(inbox.text).to.include('lang="de"');

    // A colleague keeps the browser's language.
    const theirs = await member.get('/client-portal/notifications').set(english).expect(200);
    expect(theirs.text).to.include('lang="en"').and.include('>Client notifications');

    const row = await h.crm.db('portal_staff_preferences').where({ workspace_id: workspaceId }).select('locale');
    expect(row).to.deep.equal([{ locale: 'de' }]);

    // "As the CRM or my browser says" takes the choice back.
    const again = await admin.get(LANGUAGE).expect(200);
    await admin
      .post(LANGUAGE)
      .type('form')
      .send({ _csrf: csrfFrom(again.text), locale: '' })
      .expect(303);
    expect((await admin.get(SETTINGS).set(english).expect(200)).text).to.match(/lang="en"/);
  });

  it('refuses a language it does not speak, and never returns to another site', async function () {
    const form = await admin.get(LANGUAGE).expect(200);
    const bad = await admin
      .post(LANGUAGE)
      .type('form')
      .send({ _csrf: csrfFrom(form.text), locale: 'xx' })
      .expect(400);
    expect(bad.text).to.include('Choose a language from the list.');
    const away = await admin
      .post(LANGUAGE)
      .type('form')
      .send({ _csrf: csrfFrom(form.text), locale: 'en', returnTo: '//evil.example/settings/client-portal' })
      .expect(303);
    expect(away.headers.location).to.equal(`${LANGUAGE}?saved=1`);
    const page = await admin.get(`${LANGUAGE}?returnTo=${encodeURIComponent('https://evil.example/')}`).expect(200);
    expect(page.text).to.not.include('evil.example');
    await admin.post(LANGUAGE).type('form').send({ locale: 'de' }).expect(403);
  });

  it("writes each admin's notification emails in their language", async function () {
    // A second admin, who chose no language.
    await h.crm
      .db('staff_users')
      .insert({ workspace_id: Number(workspaceId), name: 'Ola Berg', email: 'ola@demo-agency.test', password_hash: 'x', role: 'admin' });
    const admins = await h.crm.adapter.staff.listAdmins!(workspaceId);
    const german = admins.find((person) => person.email !== 'ola@demo-agency.test');
    const others = admins.filter((person) => person !== german);
    await h.crm
      .db('portal_staff_preferences')
      .insert({ workspace_id: workspaceId, staff_user_id: german!.id, locale: 'de' })
      .onConflict(['workspace_id', 'staff_user_id'])
      .merge(['locale']);
    const sent: MailMessage[] = [];
    const notifications = createNotifications({
      db: h.crm.db,
      adapter: createReferenceCrmAdapter(h.crm.db),
      mailer: { send: async (m) => void sent.push(m) },
      now: () => new Date(Date.now() + 60_000),
      logger: { info() {}, error() {} },
      listUrl: 'http://crm/client-portal/notifications',
    });
    await h.crm
      .db('portal_notification_dispatch')
      .update({ last_activity_id: (await h.crm.db('client_activity_logs').max('id as id').first())?.id ?? 0 });
    await insertActivity(h.crm.db, {
      workspaceId,
      event: 'offer.accepted',
      clientId: null,
      details: { kind: 'quotation', offerId: '7', number: 'QUO-0007', title: 'Flyers' },
    });
    await notifications.dispatchImmediate();
    expect(sent).to.have.length(admins.length);
    const toGerman = sent.find((m) => m.to === german!.email)!;
    expect(toGerman.subject).to.equal(
      "Ein Kunde hat angenommen: Ein Kunde: Hat einen Kostenvoranschlag angenommen — Kostenvoranschlag QUO-0007 'Flyers'",
    );
    expect(toGerman.text).to.include('Kundenportal von').and.include('Alle Benachrichtigungen: http://crm/client-portal/notifications');
    expect(others, 'an admin without a choice of language').to.not.be.empty;
    for (const other of others) {
      const email = sent.find((m) => m.to === other.email)!;
      expect(email.subject).to.equal("A client accepted: A client: Accepted a quotation — Quotation QUO-0007 'Flyers'");
    }
  });
});
