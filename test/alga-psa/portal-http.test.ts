// Covers the portal served on a real Alga PSA database, over HTTP as a client uses it: a contact
// of an Alga client signs in with the password of their Alga client login (Alga's PBKDF2 hash
// with the deployment's NEXTAUTH_SECRET; the portal links its own record on first sign-in), sees
// the dashboard, reads Alga's payment methods in Alga's words (an ACH debit, a check) in English
// and German, is told on the new-ticket form, in both languages, when Alga's set-up cannot take a
// ticket from them (a board with no ticket status: 409, the form as sent, nothing written), loses
// the appointments section where Alga's client portal feature settings switch appointments off,
// reads the reason Alga's staff gave for declining an appointment request, opens a quotation (marked viewed in Alga once) and accepts it with an optional
// item and a PO number (the quote accepted in Alga as Alga's own portal writes it, and the
// portal's evidence row written together), views an invoice, and pays it through the demo checkout
// (invoice_payments and transactions written, the invoice marked paid, the portal's payment
// pointing at Alga's), then two invoices in one checkout from the list (per invoice, the rows the
// payment of one writes, column by column, each of its share); a login with Alga's two-factor on reaches no page with its password alone;
// once Alga makes the contact inactive, the session ends and the password signs nobody in.
import { expect } from 'chai';
import request from 'supertest';
import { csrfFrom, postPasswordSignIn, signedInAgent, fingerprintIn } from '../support/portal-harness.ts';
import type { PortalOnHost } from '../support/portal-on-host.ts';
import { portalBesideAlga, startAlgaHost, unavailable, type AlgaHost } from './alga-host.ts';
import { CLAIRE_PASSWORD } from './seed.ts';
import { ALGA_ZONE, algaWorkday, setAlgaAppointmentsEnabled, setUpAlgaBooking } from './appointment-setup.ts';
import { wallTimeToInstant } from '../../src/core/time/zoned-days.ts';

const reason = unavailable();

type Row = Record<string, unknown>;

/** The columns whose values differ between two versions of a row. */
function changed(before: Row, after: Row): Row {
  const diff: Row = {};
  for (const key of Object.keys(after)) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) diff[key] = after[key];
  }
  return diff;
}

/** A row without the columns that are its own, its checkout's id written as a placeholder wherever it appears. */
function sameBut(row: Row, own: string[], checkoutId: string): Row {
  const kept = Object.fromEntries(Object.entries(row).filter(([key]) => !own.includes(key)));
  return JSON.parse(JSON.stringify(kept).replaceAll(checkoutId, '<checkout>'));
}

describe('alga-psa host: a client uses the portal over HTTP', function () {
  this.timeout(180_000);
  let host: AlgaHost;
  let running: PortalOnHost;
  let claire: ReturnType<typeof request.agent>;
  let base: string;
  let url: string;
  let slug: string;

  before(async function () {
    if (reason) this.skip();
    host = await startAlgaHost();
    const { db, seed } = host;
    ({ running, slug } = await portalBesideAlga(host, { serve: true }));
    url = running.url;
    base = `/portal/${slug}`;
    // The agency switches online payments on.
    await db('workspace_client_portal_settings')
      .insert({ workspace_id: seed.tenant, allow_online_payments: true })
      .onConflict('workspace_id')
      .merge();
  });
  after(async function () {
    await running?.close();
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  it('refuses a wrong password, then signs Claire in with her Alga password', async function () {
    const refused = await signedInAgent(request.agent(url), slug, { email: 'claire@harbor.example', password: `${CLAIRE_PASSWORD}x` }).then(
      () => 'signed in',
      () => 'refused',
    );
    expect(refused).to.equal('refused');
    claire = await signedInAgent(request.agent(url), slug, { email: 'claire@harbor.example', password: CLAIRE_PASSWORD });
    // The portal linked its record to Alga's contact on the first sign-in, with no password of its own.
    const linked = await host
      .db('client_users')
      .where({ workspace_id: host.seed.tenant, contact_id: host.seed.contacts.claire })
      .first('status', 'password_hash');
    expect(linked).to.include({ status: 'active', password_hash: null });
  });

  it("shows the dashboard with the client's quotations and invoices, and no proposals", async function () {
    const page = await claire.get(`${base}/`).expect(200);
    expect(page.text).to.include(`href="${base}/quotations"`).and.include(`href="${base}/invoices"`).and.not.include(`${base}/proposals`);
    const quotations = await claire.get(`${base}/quotations`).expect(200);
    expect(quotations.text)
      .to.include('Managed backup')
      .and.include('Q-0001')
      .and.not.include('Draft network audit')
      .and.not.include('Template: standard onboarding');
    // The search box finds one by words of its title, in any case, through Alga's own rows.
    const searched = await claire.get(`${base}/quotations`).query({ q: 'BACKUP' }).expect(200);
    expect(searched.text).to.include('Managed backup').and.include('1 result for “BACKUP”.').and.not.include('Laptop refresh');
    const none = await claire.get(`${base}/invoices`).query({ q: 'no-such-invoice' }).expect(200);
    expect(none.text).to.include('Nothing matches “no-such-invoice”.');
  });

  it("names Alga's payment methods as Alga does: 'ach' a US bank debit, never SEPA; 'check' a check, in English and German", async function () {
    const { db, seed } = host;
    const invoiceId = seed.invoices.partlyPaid;
    const inserted = await db('invoice_payments')
      .insert(
        ['ach', 'check'].map((payment_method, day) => ({
          tenant: seed.tenant,
          invoice_id: invoiceId,
          amount: 100,
          payment_method,
          reference_number: `REF-${payment_method}`,
          payment_date: `2026-02-0${day + 3}T00:00:00Z`,
        })),
      )
      .returning<Array<{ payment_id: string }>>('payment_id');
    try {
      const page = async (lang: string) =>
        (await claire.get(`${base}/invoices/${invoiceId}`).set('Accept-Language', lang).expect(200)).text;
      const en = await page('en');
      expect(en).to.include('ACH bank debit').and.include('Check').and.not.include('SEPA').and.not.include('Cheque');
      const de = await page('de');
      expect(de).to.include('ACH-Lastschrift').and.include('Scheck').and.not.include('SEPA');
    } finally {
      await db('invoice_payments')
        .where({ tenant: seed.tenant })
        .whereIn(
          'payment_id',
          inserted.map((row) => row.payment_id),
        )
        .delete();
    }
  });

  it("says on the new-ticket form, in English and German, that Alga cannot take a ticket when the contact's board has no ticket status", async function () {
    const { db, seed } = host;
    const { tenant } = seed;
    // Tickets switched on; the tenant's default board has a priority but no ticket status, and no
    // categories, so the form shows no category field an error could sit on.
    await db('workspace_client_portal_settings').where({ workspace_id: tenant }).update({ show_tickets: true });
    await running.portal.workspaceChanged(tenant);
    const [board] = await db('boards')
      .insert({ tenant, board_name: 'Support', is_default: true, display_order: 1 })
      .returning<Array<{ board_id: string }>>('board_id');
    const [priority] = await db('priorities')
      .insert({ tenant, priority_name: 'Normal', order_number: 1, item_type: 'ticket', created_by: seed.users.admin })
      .returning<Array<{ priority_id: string }>>('priority_id');
    const count = async () => Number((await db('tickets').where({ tenant }).count<Array<{ count: string }>>('* as count'))[0]!.count);
    try {
      const before = await count();
      for (const [lang, sentence, reason] of [
        ['en', 'The agency&#39;s CRM cannot take a ticket from you now:', 'your ticket board has no status for new tickets'],
        ['de', 'Das CRM der Agentur kann gerade kein Ticket von Ihnen annehmen:', 'Ihr Ticket-Board hat keinen Status für neue Tickets'],
      ] as const) {
        const form = await claire.get(`${base}/tickets/new`).set('Accept-Language', lang).expect(200);
        expect(form.text, 'no category field').to.not.include('name="categoryId"');
        const refused = await claire
          .post(`${base}/tickets`)
          .set('Accept-Language', lang)
          .type('form')
          .send({ _csrf: csrfFrom(form.text), subject: 'Printer offline', description: 'Since this morning.' });
        expect(refused.status).to.equal(409);
        const summary = /<p class="error-summary" role="alert" id="ticket-refusal"[^>]*>([^<]*)<\/p>/.exec(refused.text)?.[1] ?? '';
        expect(summary, lang).to.include(sentence).and.include(reason);
        // The form comes back as it was sent.
        expect(refused.text).to.include('value="Printer offline"').and.include('Since this morning.');
      }
      expect(await count(), 'no ticket written').to.equal(before);
    } finally {
      await db('priorities').where({ tenant, priority_id: priority!.priority_id }).delete();
      await db('boards').where({ tenant, board_id: board!.board_id }).delete();
      await db('workspace_client_portal_settings').where({ workspace_id: tenant }).update({ show_tickets: false });
      await running.portal.workspaceChanged(tenant);
    }
  });

  it("takes the appointments section away where Alga's client portal feature settings switch appointments off", async function () {
    const { db, seed } = host;
    const { tenant } = seed;
    await db('workspace_client_portal_settings').where({ workspace_id: tenant }).update({ show_appointments: true });
    await running.portal.workspaceChanged(tenant);
    try {
      await claire.get(`${base}/appointments`).expect(200);
      expect((await claire.get(`${base}/`).expect(200)).text).to.include(`href="${base}/appointments"`);
      await setAlgaAppointmentsEnabled(db, tenant, false);
      // The workspace is read again (its cache's TTL, here at once): Alga's switch holds whatever the portal's says.
      await running.portal.workspaceChanged(tenant);
      await claire.get(`${base}/appointments`).expect(404);
      // Nor is a booking taken.
      await claire
        .post(`${base}/appointments`)
        .type('form')
        .send({ _csrf: csrfFrom((await claire.get(`${base}/`).expect(200)).text), serviceId: seed.tenant, startsAt: '2030-01-07T10:00' })
        .expect(404);
      expect((await claire.get(`${base}/`).expect(200)).text).to.not.include(`href="${base}/appointments"`);
      await setAlgaAppointmentsEnabled(db, tenant, true);
      await running.portal.workspaceChanged(tenant);
      await claire.get(`${base}/appointments`).expect(200);
    } finally {
      await setAlgaAppointmentsEnabled(db, tenant, true);
      await db('workspace_client_portal_settings').where({ workspace_id: tenant }).update({ show_appointments: false });
      await running.portal.workspaceChanged(tenant);
    }
  });

  it("shows the client, in English and German, the reason Alga's staff gave for declining an appointment request", async function () {
    const { db, seed } = host;
    const { tenant } = seed;
    const { service } = await setUpAlgaBooking(db, tenant, seed.users.tech);
    await db('workspace_client_portal_settings').where({ workspace_id: tenant }).update({ show_appointments: true });
    await running.portal.workspaceChanged(tenant);
    try {
      const appointments = host.adapter().appointments!;
      const day = algaWorkday(3);
      const from = wallTimeToInstant(day, '00:00', ALGA_ZONE);
      const [slot] = (await appointments.freeSlots(tenant, service, from, new Date(from.getTime() + 86_400_000), new Date()))!;
      const made = await appointments.request(
        tenant,
        seed.clients.bakery,
        seed.contacts.claire,
        { serviceId: service, startsAt: slot!.startsAt, note: 'Printer on floor 2', timeZone: ALGA_ZONE },
        new Date(),
      );
      if (!made || 'refused' in made) throw new Error('not booked');
      // As Alga's declineAppointmentRequest (packages/scheduling appointmentRequestManagementActions.ts)
      // leaves it: the entry and its assignees gone, the request declined with the staff's reason.
      const request = await db('appointment_requests').where({ tenant, appointment_request_id: made.id }).first();
      await db('schedule_entry_assignees').where({ tenant, entry_id: request.schedule_entry_id }).delete();
      await db('schedule_entries').where({ tenant, entry_id: request.schedule_entry_id }).delete();
      await db('appointment_requests').where({ tenant, appointment_request_id: made.id }).update({
        status: 'declined',
        declined_reason: 'No one free then, sorry',
        approved_by_user_id: seed.users.admin,
        approved_at: new Date(),
        schedule_entry_id: null,
        updated_at: new Date(),
      });
      for (const [lang, label] of [
        ['en', 'Reason given'],
        ['de', 'Begründung'],
      ] as const) {
        const page = (await claire.get(`${base}/appointments/${made.id}`).set('Accept-Language', lang).expect(200)).text;
        expect(page, lang).to.include(label).and.include('No one free then, sorry');
      }
    } finally {
      await db('workspace_client_portal_settings').where({ workspace_id: tenant }).update({ show_appointments: false });
      await running.portal.workspaceChanged(tenant);
    }
  });

  // As Alga's own client portal (client-portal-actions/client-billing.ts): getClientQuoteById marks
  // the first opening viewed with a 'viewed' activity; acceptClientQuote saves the optional items
  // chosen, recalculates the totals (recalculateQuoteFinancials), sets accepted_by / updated_by to
  // the client's login and adds Quote.update's 'status_changed' and its own 'accepted' activity.
  it("accepts a quotation with an optional item and a PO number: Alga's quote reads as accepted in Alga's own portal, with the portal's evidence", async function () {
    const { tenant, users } = host.seed;
    const id = host.seed.quotes.accept;
    const activities = () => host.db('quote_activities').where({ tenant, quote_id: id }).orderBy('activity_type').select();
    const detail = await claire.get(`${base}/quotations/${id}`).expect(200);
    expect(detail.text).to.include('Monthly managed services').and.not.include('Optional, not selected');
    await claire.get(`${base}/quotations/${id}`).expect(200);
    const viewed = await activities();
    expect(viewed.map((row) => [row.activity_type, row.description, row.performed_by])).to.deep.equal([
      ['viewed', 'Quote viewed by client in portal', users.claire],
    ]);
    const form = await claire.get(`${base}/quotations/${id}/accept`).expect(200);
    const fingerprint = fingerprintIn(form.text);
    expect(fingerprint).to.have.length(64);
    const optional = await host.db('quote_items').where({ tenant, quote_id: id, is_optional: true }).first('quote_item_id');
    expect(form.text).to.include(`name="optionalItems" type="checkbox" value="${optional.quote_item_id}"`).and.include('Optional items');
    await claire
      .post(`${base}/quotations/${id}/accept`)
      .type('form')
      .send({
        _csrf: csrfFrom(form.text),
        typedName: 'Claire Martin',
        consent: 'yes',
        fingerprint,
        optionalItems: optional.quote_item_id,
        poNumber: 'PO-4711',
        note: 'Please start in March.',
      })
      .expect(303);
    const row = await host.db('quotes').where({ tenant, quote_id: id }).first();
    expect(row).to.include({
      status: 'accepted',
      accepted_by: users.claire,
      updated_by: users.claire,
      po_number: 'PO-4711',
      rejected_at: null,
    });
    expect(row.accepted_at).to.be.instanceOf(Date);
    expect(row.viewed_at).to.be.instanceOf(Date);
    expect([row.subtotal, row.tax, row.total_amount].map(Number)).to.deep.equal([129_900, 10_392, 140_292]);
    expect(await host.db('quote_items').where({ tenant, quote_id: id, is_optional: true }).first('is_selected')).to.include({
      is_selected: true,
    });
    const rows = await activities();
    expect(rows.map((activity) => [activity.activity_type, activity.performed_by])).to.deep.equal([
      ['accepted', users.claire],
      ['status_changed', users.claire],
      ['viewed', users.claire],
    ]);
    expect(rows[0].metadata).to.deep.equal({
      selected_optional_quote_item_ids: [optional.quote_item_id],
      deselected_optional_quote_item_ids: [],
      po_number: 'PO-4711',
      note: 'Please start in March.',
    });
    // The page shows Alga's total after the choice, and does not call the quote changed since its
    // acceptance: what the client accepted is the quote with the optional item taken.
    const accepted = await claire.get(`${base}/quotations/${id}`).expect(200);
    expect(accepted.text).to.include('$1,402.92').and.not.include('changed after it was accepted');
    const evidence = await host.db('portal_offer_decisions').where({ workspace_id: tenant, offer_kind: 'quotation', offer_id: id });
    expect(evidence).to.have.length(1);
    expect(evidence[0]).to.include({
      client_id: host.seed.clients.bakery,
      outcome: 'accepted',
      typed_name: 'Claire Martin',
      po_number: 'PO-4711',
    });
    // The evidence binds the quote as accepted: the optional item is one of its lines, at Alga's total.
    const snapshot = JSON.parse(evidence[0].snapshot) as { lines: { unitPriceCents: number }[]; totalCents: number };
    const optionalPrice = await host.db('quote_items').where({ tenant, quote_item_id: optional.quote_item_id }).first('unit_price');
    expect(snapshot.lines.map((line) => line.unitPriceCents)).to.include(Number(optionalPrice.unit_price));
    expect(snapshot.totalCents).to.equal(140_292);
    // A real change in Alga after the acceptance is still said.
    const line = host.db('quote_items').where({ tenant, quote_item_id: optional.quote_item_id });
    const { description } = await line.clone().first('description');
    await line.clone().update({ description: 'Changed by staff after acceptance' });
    try {
      const changed = await claire.get(`${base}/quotations/${id}`).expect(200);
      expect(changed.text).to.include('changed after it was accepted');
    } finally {
      await line.clone().update({ description });
    }
  });

  it('views an invoice and pays it in full through the demo checkout: Alga records the payment and marks the invoice paid', async function () {
    const id = host.seed.invoices.unpaid;
    const detail = await claire.get(`${base}/invoices/${id}`).expect(200);
    expect(detail.text).to.include('INV-000001').and.include('Managed services');
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

    const invoice = await host.db('invoices').where({ tenant: host.seed.tenant, invoice_id: id }).first('status');
    expect(invoice.status).to.equal('paid');
    const portalPayment = await host
      .db('client_payments')
      .where({ id: paymentId })
      .first('status', 'amount_cents', 'currency', 'host_payment_id');
    expect(portalPayment).to.include({ status: 'recorded', currency: 'USD' });
    expect(Number(portalPayment.amount_cents)).to.equal(150_000);
    const algaPayment = await host
      .db('invoice_payments')
      .where({ tenant: host.seed.tenant, payment_id: portalPayment.host_payment_id })
      .first('invoice_id', 'amount', 'notes', 'payment_method');
    // Alga's own name for a card payment: it has none for the portal's demo provider.
    expect(algaPayment).to.include({ invoice_id: id, notes: 'Paid from the client portal', payment_method: 'credit_card' });
    expect(Number(algaPayment.amount)).to.equal(150_000);
    expect(await host.db('transactions').where({ tenant: host.seed.tenant, invoice_id: id, type: 'payment' })).to.have.length(1);
  });

  // After the payment of one invoice above: the rows it wrote are what each invoice of a payment of several is held to.
  it('pays two invoices in one checkout from the list: Alga gets, per invoice, the rows the payment of one writes, each of its share', async function () {
    const { db, seed } = host;
    const tenant = seed.tenant;
    const pair = [seed.invoices.partlyPaid, seed.invoices.credited];
    const single = seed.invoices.unpaid;
    const invoices = () => db('invoices').where({ tenant }).whereIn('invoice_id', pair).orderBy('invoice_number').select<Row[]>();
    const before = await invoices();

    const list = await claire.get(`${base}/invoices`).expect(200);
    for (const id of pair) expect(list.text).to.include(`id="pay-${id}"`);
    const started = await claire
      .post(`${base}/invoices/pay`)
      .type('form')
      .send(`_csrf=${encodeURIComponent(csrfFrom(list.text))}${pair.map((id) => `&invoice=${id}`).join('')}`)
      .expect(303);
    const checkoutId = /\/payments\/demo\/([0-9a-f-]{36})$/.exec(started.headers.location ?? '')?.[1];
    expect(checkoutId, started.headers.location).to.be.a('string');
    const checkout = await claire.get(`${base}/payments/demo/${checkoutId}`).expect(200);
    // Each one's balance: what the check paid off the first, the credit Alga applied to the second.
    expect(checkout.text).to.include('INV-000002: $600.00').and.include('INV-000005: $200.00').and.include('$800.00');
    await claire
      .post(`${base}/payments/demo/${checkoutId}`)
      .type('form')
      .send({ _csrf: csrfFrom(checkout.text), action: 'pay' })
      .expect(303);

    // Both paid, and nothing else of them changed: as recordExternalPayment leaves an invoice it pays off.
    const after = await invoices();
    for (const [index, row] of after.entries()) {
      expect(changed(before[index]!, row), String(row.invoice_number)).to.have.all.keys('status', 'updated_at');
      expect(row.status, String(row.invoice_number)).to.equal('paid');
    }
    const shares = await db('client_payments')
      .where({ checkout_id: checkoutId })
      .select('invoice_id', 'amount_cents', 'status', 'host_payment_id');
    expect(shares.map((share) => [share.invoice_id, Number(share.amount_cents), share.status])).to.have.deep.members([
      [seed.invoices.partlyPaid, 60_000, 'recorded'],
      [seed.invoices.credited, 20_000, 'recorded'],
    ]);

    // invoice_payments: one row per invoice, each its share, the portal's payment pointing at it;
    // column by column the row the payment of one invoice wrote, but for what is the invoice's own.
    const singleCheckout = await db('client_payments').where({ invoice_id: single, status: 'recorded' }).first('checkout_id');
    expect(singleCheckout, 'the payment of one invoice above').to.not.equal(undefined);
    const ownPayment = ['payment_id', 'invoice_id', 'amount', 'payment_date', 'created_at', 'updated_at'];
    const paymentsOf = (ids: string[]) =>
      db('invoice_payments').where({ tenant, notes: 'Paid from the client portal' }).whereIn('invoice_id', ids).select<Row[]>();
    const [singleRow] = await paymentsOf([single]);
    const rows = await paymentsOf(pair);
    expect(rows.map((row) => [row.invoice_id, Number(row.amount)])).to.have.deep.members([
      [seed.invoices.partlyPaid, 60_000],
      [seed.invoices.credited, 20_000],
    ]);
    expect(rows.map((row) => row.payment_id)).to.have.members(shares.map((share) => share.host_payment_id));
    for (const row of rows) {
      expect(Object.keys(row).sort(), 'columns').to.deep.equal(Object.keys(singleRow!).sort());
      expect(sameBut(row, ownPayment, checkoutId!), `invoice_payments of ${String(row.invoice_id)}`).to.deep.equal(
        sameBut(singleRow!, ownPayment, singleCheckout.checkout_id),
      );
    }

    // transactions: one payment row per invoice, each its share, as the payment of one wrote its own.
    const ownTransaction = ['transaction_id', 'invoice_id', 'amount', 'created_at'];
    const transactionsOf = (ids: string[]) =>
      db('transactions').where({ tenant, type: 'payment' }).whereIn('invoice_id', ids).select<Row[]>();
    const [singleTransaction] = await transactionsOf([single]);
    const transactions = await transactionsOf(pair);
    expect(transactions.map((row) => [row.invoice_id, Number(row.amount)])).to.have.deep.members([
      [seed.invoices.partlyPaid, 60_000],
      [seed.invoices.credited, 20_000],
    ]);
    for (const row of transactions) {
      expect(Object.keys(row).sort(), 'columns').to.deep.equal(Object.keys(singleTransaction!).sort());
      expect(sameBut(row, ownTransaction, checkoutId!), `transactions of ${String(row.invoice_id)}`).to.deep.equal(
        sameBut(singleTransaction!, ownTransaction, singleCheckout.checkout_id),
      );
    }
  });

  it("refuses a login with Alga's two-factor on, saying to use Alga's sign-in, and reaches no page with the password alone", async function () {
    const login = host.db('users').where({ tenant: host.seed.tenant, user_id: host.seed.users.claire });
    await login.clone().update({ two_factor_enabled: true, two_factor_secret: 'JBSWY3DPEHPK3PXP' });
    try {
      const agent = request.agent(url);
      const answer = await postPasswordSignIn(agent, slug, { email: 'claire@harbor.example', password: CLAIRE_PASSWORD });
      expect(answer.status).to.equal(403);
      expect(answer.text).to.include('cannot check');
      for (const path of ['/', '/invoices', '/documents']) {
        expect((await agent.get(`${base}${path}`)).status, path).to.equal(303);
      }
      // No one-time code is offered either: Alga asks two factors, an emailed code is one.
      expect(await host.adapter().credentials!.findLogin(host.seed.tenant, 'claire@harbor.example')).to.equal(null);
    } finally {
      await login.clone().update({ two_factor_enabled: false, two_factor_secret: null });
    }
  });

  it('ends a session once Alga makes the contact inactive, and signs nobody in with its login', async function () {
    await claire.get(`${base}/`).expect(200);
    await host.db('contacts').where({ tenant: host.seed.tenant, contact_name_id: host.seed.contacts.claire }).update({ is_inactive: true });
    try {
      await claire.get(`${base}/`).expect(303);
      const again = await signedInAgent(request.agent(url), slug, { email: 'claire@harbor.example', password: CLAIRE_PASSWORD }).then(
        () => 'signed in',
        () => 'refused',
      );
      expect(again).to.equal('refused');
    } finally {
      await host
        .db('contacts')
        .where({ tenant: host.seed.tenant, contact_name_id: host.seed.contacts.claire })
        .update({ is_inactive: false });
    }
  });
});
