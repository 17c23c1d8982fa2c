// A NUL byte (or another C0 control character but tab, line feed and carriage return) in any text
// a client or staff member sends is refused at the validation layer with 400 and a message a person
// can act on, in their language, and nothing is written: a message, a comment, the profile name and
// the typed signature name in the portal; a staff reply; a query string; and a payment provider's
// signed callback (JSON, parsed outside the forms' validation) is refused as invalid; and the
// reference CRM's own forms refuse it the same way (its parseForm). Before the
// check, PostgreSQL refused the NUL and the request ended in a 500.
import { expect } from 'chai';
import { csrfFrom, signedInAgent, signedInStaffAgent, startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';
import { changedTables, fingerprintReader, type TableFingerprint } from '../support/table-fingerprint.ts';
import { demoNorthwind } from '../support/demo-records.ts';
import { createDemoProvider, DEMO_SIGNATURE_HEADER } from '../../src/features/invoices/payments/demo-provider.ts';

type Agent = Awaited<ReturnType<typeof signedInAgent>>;

const MESSAGE = 'This field holds invisible control characters that cannot be saved. Remove them and try again.';
const MESSAGE_DE =
  'Dieses Feld enthält unsichtbare Steuerzeichen, die sich nicht speichern lassen. Entfernen Sie sie und versuchen Sie es erneut.';
// Written by a refused request on purpose: attempt counters, sessions, and the read markers of a
// page shown again with the form (it marks what it shows read, as the same page's GET does).
const IGNORED = ['portal_rate_limits', 'client_sessions', 'crm_sessions', 'portal_read_markers'];

describe('control characters in submitted text', function () {
  this.timeout(120_000);
  let h: PortalHarness;
  let maria: Agent;
  let csrf: string;
  let proposal: string;
  let clientId: string;
  let fingerprint: () => Promise<TableFingerprint>;

  before(async function () {
    h = await startPortalHarness();
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
    maria = await signedInAgent(h.agent(), 'demo', login);
    const northwind = await demoNorthwind(h.crm.db);
    clientId = String(northwind.id);
    const [row] = await h.crm
      .db('proposals')
      .insert({
        workspace_id: northwind.workspace_id,
        client_id: northwind.id,
        number: 'NUL-P-1',
        title: 'Shop relaunch',
        body: 'Design and build.',
        status: 'sent',
        currency: 'EUR',
        valid_until: '2099-12-31',
        sent_at: new Date(),
      })
      .returning('id');
    proposal = String(row.id);
    csrf = csrfFrom((await maria.get('/portal/demo/account').expect(200)).text);
    fingerprint = await fingerprintReader(h.crm.db, { ignore: IGNORED });
  });
  after(async function () {
    await h?.close();
  });

  /** Sends the request and checks it was refused with the message and wrote nothing. */
  async function refusedWithoutWriting(send: () => Promise<{ status: number; text: string }>, message = MESSAGE) {
    const before = await fingerprint();
    const res = await send();
    expect(res.status, res.text.slice(0, 500)).to.equal(400);
    expect(res.text).to.contain(message);
    expect(changedTables(before, await fingerprint())).to.deep.equal([]);
    return res;
  }

  it('refuses a message with a NUL', async function () {
    await refusedWithoutWriting(() => maria.post('/portal/demo/messages').type('form').send({ _csrf: csrf, body: 'Hello\u0000there' }));
  });

  it('refuses a comment with a NUL', async function () {
    await refusedWithoutWriting(() =>
      maria.post(`/portal/demo/proposals/${proposal}/comments`).type('form').send({ _csrf: csrf, body: 'Looks good\u0000' }),
    );
  });

  it('refuses a profile name with a NUL, and says so in German to a German reader', async function () {
    await refusedWithoutWriting(() =>
      maria.post('/portal/demo/account/profile').type('form').send({ _csrf: csrf, name: 'Maria\u0000García', phone: '' }),
    );
    await refusedWithoutWriting(
      () =>
        maria
          .post('/portal/demo/account/profile')
          .set('Accept-Language', 'de')
          .type('form')
          .send({ _csrf: csrf, name: 'Maria\u0000García', phone: '' }),
      MESSAGE_DE,
    );
  });

  it('refuses a typed signature name with a NUL, with the offer still open', async function () {
    const page = await maria.get(`/portal/demo/proposals/${proposal}/accept`).expect(200);
    const current = /name="fingerprint" value="([0-9a-f]{64})"/.exec(page.text)![1]!;
    await refusedWithoutWriting(() =>
      maria
        .post(`/portal/demo/proposals/${proposal}/accept`)
        .type('form')
        .send({ _csrf: csrf, typedName: 'Maria\u0000García', consent: 'yes', fingerprint: current }),
    );
    expect((await h.crm.db('proposals').where({ id: proposal }).first('status')).status).to.equal('sent');
  });

  it('refuses other control characters, in fields the schema does not know too, but keeps tab and new lines', async function () {
    await refusedWithoutWriting(() => maria.post('/portal/demo/messages').type('form').send({ _csrf: csrf, body: 'bell\u0007' }));
    await refusedWithoutWriting(() =>
      maria.post('/portal/demo/messages').type('form').send({ _csrf: csrf, body: 'fine', extra: 'escape\u001b[31m' }),
    );
    const sent = await maria.post('/portal/demo/messages').type('form').send({ _csrf: csrf, body: 'Line one\r\n\tLine two' });
    expect(sent.status).to.equal(303);
  });

  it('refuses a staff reply with a NUL', async function () {
    const staff = await signedInStaffAgent(h, 'demo');
    const page = await staff.get(`/client-messages/${clientId}`).expect(200);
    await refusedWithoutWriting(() =>
      staff
        .post(`/client-messages/${clientId}`)
        .type('form')
        .send({ _csrf: csrfFrom(page.text), body: 'Hello\u0000' }),
    );
  });

  it('refuses a signed payment callback with a NUL, recording nothing', async function () {
    const staff = await signedInStaffAgent(h, 'demo');
    const page = await staff.get('/settings/client-portal').expect(200);
    await staff
      .post('/settings/client-portal')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), loginWithCode: 'on', loginWithPassword: 'on', showInvoices: 'on', allowOnlinePayments: 'on' })
      .expect(303);
    const workspace = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    // Signed as the demo provider signs (its key derives from the portal secret the harness sets).
    const signed = createDemoProvider({ secret: 'test-secret-'.padEnd(48, 'x') }).signedCallback(
      workspace.id,
      {
        id: 'evt_\u0000',
        type: 'payment.succeeded',
        payment: { id: '00000000-0000-4000-8000-000000000000', amount_cents: 100, currency: 'EUR', paid_at: new Date().toISOString() },
      },
      new Date(),
    );
    const before = await fingerprint();
    const res = await h
      .agent()
      .post('/portal/demo/payments/callback/demo')
      .set('Content-Type', 'application/json')
      .set(DEMO_SIGNATURE_HEADER, signed.signature)
      .send(signed.rawBody.toString());
    expect(res.status, res.text).to.equal(400);
    expect(changedTables(before, await fingerprint())).to.deep.equal([]);
  });

  it("refuses a NUL in the reference CRM's own forms too (the host the portal ships with)", async function () {
    const staff = await signedInStaffAgent(h, 'demo');
    const page = await staff.get('/clients/new').expect(200);
    await refusedWithoutWriting(() =>
      staff
        .post('/clients')
        .type('form')
        .send({ _csrf: csrfFrom(page.text), name: 'Acme\u0000Ltd' }),
    );
  });

  it('refuses a query string with a NUL', async function () {
    const res = await maria.get('/portal/demo/invoices?status=%00');
    expect(res.status).to.equal(400);
    expect(res.text).to.contain(MESSAGE);
  });
});
