// Covers the portal served on a real Dolibarr database, over HTTP as a client uses it: a contact
// of a Dolibarr third party signs in with the portal's own login (Dolibarr keeps none per person),
// sees the dashboard (its documents card counting what the person's role lists on the documents
// page), accepts a proposal (llx_propal signed with Dolibarr's online signature fields, its agenda
// event, and the portal's evidence row written together), and pays an invoice through the demo checkout (llx_paiement, llx_paiement_facture
// and the closed llx_facture, with the portal's payment pointing at Dolibarr's payment).
import { expect } from 'chai';
import request from 'supertest';
import { hashPassword } from '../../src/core/crypto/secrets.ts';
import { csrfFrom, signedInAgent, fingerprintIn } from '../support/portal-harness.ts';
import type { PortalOnHost } from '../support/portal-on-host.ts';
import { insertClaireLogin, seededAdapter, servePortalBeside, startDolibarrHost, unavailable, type DolibarrHost } from './dolibarr-host.ts';

const reason = unavailable();
const PASSWORD = 'Claire-portal-2026';

describe('dolibarr host: a client uses the portal over HTTP', function () {
  this.timeout(180_000);
  let host: DolibarrHost;
  let running: PortalOnHost;
  let claire: ReturnType<typeof request.agent>;
  let base: string;

  before(async function () {
    if (reason) this.skip();
    host = await startDolibarrHost();
    const { db, seed } = host;
    running = await servePortalBeside(host);
    const url = running.url;
    base = `/portal/${seed.workspaceSlug}`;
    // What an invitation accepted would leave: the portal's own login for Claire's contact.
    await insertClaireLogin(db, seed, await hashPassword(PASSWORD));
    // The agency extends the open proposal's validity (the seed's passed in February) and switches online payments on.
    await db('llx_propal').where({ rowid: seed.proposals.accept }).update({ fin_validite: '2099-12-31 23:59:59' });
    // Agenda setup > "Automatic events": a signed proposal recorded in the agenda.
    await db('llx_const').insert([
      { name: 'MAIN_MODULE_AGENDA', entity: 1, value: '1', type: 'chaine', visible: 0 },
      { name: 'MAIN_AGENDA_ACTIONAUTO_PROPAL_CLOSE_SIGNED', entity: 1, value: '1', type: 'chaine', visible: 0 },
    ]);
    await db('workspace_client_portal_settings')
      .insert({ workspace_id: '1', allow_online_payments: true })
      .onConflict('workspace_id')
      .merge();
    claire = await signedInAgent(request.agent(url), seed.workspaceSlug, { email: 'claire@martin.example', password: PASSWORD });
  });
  after(async function () {
    await running?.close();
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  it("shows the dashboard with the company's proposals and invoices, and no quotations, whose routes are 404", async function () {
    const page = await claire.get(`${base}/`).expect(200);
    expect(page.text).to.include(`href="${base}/proposals"`).and.include(`href="${base}/invoices"`).and.not.include(`${base}/quotations`);
    const proposals = await claire.get(`${base}/proposals`).expect(200);
    expect(proposals.text).to.include('PR2601-0002').and.include('PR2601-0001').and.not.include('(PROV5)');
    // The search box finds one by its ref, in any case, through Dolibarr's own rows.
    const searched = await claire.get(`${base}/proposals`).query({ q: 'pr2601-0002' }).expect(200);
    expect(searched.text).to.include('PR2601-0002').and.include('1 result for “pr2601-0002”.').and.not.include('PR2601-0001');
    const invoices = await claire.get(`${base}/invoices`).query({ q: 'FA2601-0001' }).expect(200);
    expect(invoices.text).to.include('FA2601-0001').and.not.include('FA2601-0002');
    // Dolibarr keeps no quotations apart from its proposals: every quotation route is a 404.
    for (const route of ['/quotations', '/quotations/1', '/quotations/1.pdf', '/quotations/1/signed.pdf']) {
      await claire.get(`${base}${route}`).expect(404);
    }
  });

  it("counts on the dashboard the shared documents the person's role may open, as many as the documents page lists", async function () {
    const user = () => host.db('client_users').where({ workspace_id: '1', email: 'claire@martin.example' });
    const { role } = await user().clone().first('role');
    try {
      for (const [asRole, listed] of [
        ['admin', ['FA2601-0001.pdf', 'PR2601-0001.pdf', 'opening-hours.txt']],
        ['member', ['PR2601-0001.pdf', 'opening-hours.txt']],
        ['billing', ['FA2601-0001.pdf', 'opening-hours.txt']],
      ] as const) {
        await user().clone().update({ role: asRole });
        const documents = (await claire.get(`${base}/documents`).expect(200)).text;
        for (const name of ['FA2601-0001.pdf', 'PR2601-0001.pdf', 'opening-hours.txt'])
          expect(documents.includes(name), `${asRole}: ${name} on the documents page`).to.equal(
            (listed as readonly string[]).includes(name),
          );
        const dashboard = (await claire.get(`${base}/`).expect(200)).text;
        expect(dashboard, `${asRole}: the dashboard's documents card`).to.include(`${listed.length} shared documents`);
      }
    } finally {
      await user().clone().update({ role });
    }
  });

  it("names a payment mode the portal has no word for as Dolibarr's dictionary does, not “Other”", async function () {
    const { db, seed } = host;
    const invoice = seed.invoices.unpaid;
    // From Dolibarr's install data (inactive by default, still the name of a payment made with it),
    // and one an agency added under Setup > Dictionaries > Payment methods.
    await db('llx_c_paiement').insert([
      { id: 53, code: 'FAC', libelle: 'Factor', type: 2, active: 0 },
      { id: 120, code: 'KLARNA', libelle: 'Klarna instalments', type: 2, active: 1, entity: 1 },
    ]);
    const added: number[] = [];
    try {
      for (const [ref, mode] of [
        ['PAY2603-0091', 53],
        ['PAY2603-0092', 120],
        ['PAY2603-0093', 6],
      ] as const) {
        const [row] = await db('llx_paiement')
          .insert({
            entity: 1,
            ref,
            ref_ext: '',
            datec: '2026-03-02 12:00:00',
            datep: '2026-03-02 12:00:00',
            amount: '10',
            multicurrency_amount: '10',
            fk_paiement: mode,
            num_paiement: '',
            note: '',
            fk_user_creat: seed.users.admin,
            pos_change: 0,
          })
          .returning('rowid');
        added.push(row.rowid);
        await db('llx_paiement_facture').insert({
          fk_facture: invoice,
          fk_paiement: row.rowid,
          amount: '10',
          multicurrency_amount: '10',
          multicurrency_code: 'EUR',
          multicurrency_tx: 1,
        });
      }
      const detail = (await seededAdapter(host).invoices!.find('1', String(seed.companies.bakery), String(invoice)))!;
      expect(detail.payments.map((payment) => [payment.number, payment.method, payment.methodLabel])).to.deep.equal([
        ['PAY2603-0091', 'fac', 'Factor'],
        ['PAY2603-0092', 'klarna', 'Klarna instalments'],
        ['PAY2603-0093', 'card', null],
      ]);
      for (const [language, card] of [
        ['en', 'Card'],
        ['de', 'Karte'],
      ] as const) {
        const page = (await claire.get(`${base}/invoices/${invoice}`).set('Accept-Language', language).expect(200)).text;
        expect(page, language).to.include('Factor').and.include('Klarna instalments').and.include(card);
        expect(page, language).to.not.match(/>\s*(Other|Sonstige)\s*</);
      }
    } finally {
      await db('llx_paiement_facture').whereIn('fk_paiement', added).delete();
      await db('llx_paiement').whereIn('rowid', added).delete();
      await db('llx_c_paiement').whereIn('id', [53, 120]).delete();
    }
  });

  it("accepts a proposal: Dolibarr's row is signed and the portal's evidence is written with it", async function () {
    const id = host.seed.proposals.accept;
    const form = await claire.get(`${base}/proposals/${id}/accept`).expect(200);
    const fingerprint = fingerprintIn(form.text);
    expect(fingerprint).to.have.length(64);
    await claire
      .post(`${base}/proposals/${id}/accept`)
      .type('form')
      .send({ _csrf: csrfFrom(form.text), typedName: 'Claire Martin', consent: 'yes', fingerprint })
      .expect(303);
    const row = await host
      .db('llx_propal')
      .where({ rowid: id })
      .first('fk_statut', 'date_signature', 'date_cloture', 'online_sign_name', 'online_sign_ip');
    expect(row.fk_statut).to.equal(2);
    expect(row.date_signature).to.be.instanceOf(Date);
    expect(row.date_cloture).to.equal(null);
    const evidence = await host.db('portal_offer_decisions').where({ workspace_id: '1', offer_kind: 'proposal', offer_id: String(id) });
    expect(evidence).to.have.length(1);
    expect(evidence[0]).to.include({
      client_id: String(host.seed.companies.bakery),
      outcome: 'accepted',
      typed_name: 'Claire Martin',
      snapshot_sha256: fingerprint,
    });
    // Dolibarr's online signature columns (onlineSign.php) carry the typed name and the address the
    // portal's evidence recorded, so Dolibarr's proposal card shows who signed online.
    expect(row.online_sign_name).to.equal('Claire Martin');
    expect(row.online_sign_ip).to.be.a('string').and.equal(evidence[0].ip);
    // The agenda event, where the entity's agenda setup asks for it (set in before()).
    const events = await host.db('llx_actioncomm').where({ elementtype: 'propal', fk_element: id }).select('code', 'fk_soc');
    expect(events).to.deep.equal([{ code: 'AC_PROPAL_CLOSE_SIGNED', fk_soc: host.seed.companies.bakery }]);
  });

  it('pays an invoice in full through the demo checkout: Dolibarr records the payment and closes the invoice', async function () {
    const id = host.seed.invoices.unpaid;
    const page = await claire.get(`${base}/invoices/${id}/pay`).expect(200);
    const started = await claire
      .post(`${base}/invoices/${id}/pay`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), choice: 'full' })
      .expect(303);
    const paymentId = /\/payments\/demo\/([0-9a-f-]{36})$/.exec(started.headers.location ?? '')?.[1];
    expect(paymentId, started.headers.location).to.be.a('string');
    const checkout = await claire.get(`${base}/payments/demo/${paymentId}`).expect(200);
    await claire
      .post(`${base}/payments/demo/${paymentId}`)
      .type('form')
      .send({ _csrf: csrfFrom(checkout.text), action: 'pay' })
      .expect(303);

    const invoice = await host.db('llx_facture').where({ rowid: id }).first('fk_statut', 'paye', 'fk_user_closing');
    expect(invoice).to.deep.equal({ fk_statut: 2, paye: 1, fk_user_closing: host.seed.users.admin });
    const portalPayment = await host
      .db('client_payments')
      .where({ id: paymentId })
      .first('status', 'amount_cents', 'currency', 'host_payment_id');
    expect(portalPayment).to.include({ status: 'recorded', currency: 'EUR' });
    expect(Number(portalPayment.amount_cents)).to.equal(150_000);
    const dolibarrPayment = await host
      .db('llx_paiement')
      .where({ rowid: Number(portalPayment.host_payment_id) })
      .first(['ref', host.db.raw('amount::text as amount')]);
    // The third PAY ref of the entity (the seed holds two), dated by the payment's month.
    expect(dolibarrPayment.ref).to.match(/^PAY\d{4}-0003$/);
    expect(dolibarrPayment.amount).to.equal('1500.00000000');
    expect(
      await host.db('llx_paiement_facture').where({ fk_facture: id, fk_paiement: Number(portalPayment.host_payment_id) }),
    ).to.have.length(1);
  });
});
