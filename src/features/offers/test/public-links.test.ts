// Public links and the staff record page, over HTTP against the reference CRM: staff create a link
// (copyable while live), a visitor opens the record in the workspace's branding and downloads its
// PDF, accepts with a typed name, email and drawn strokes (method public_link), every use is logged with IP and
// user agent; expired, revoked and unknown tokens look the same; show_proposals off hides the
// links; lookups are rate-limited per IP. The staff page shows the evidence with its fingerprint
// check, and "view as this client" renders the client's page read-only with no client session.
import { expect } from 'chai';
import {
  csrfFrom,
  signedInAgent,
  signedInStaffAgent,
  startPortalHarness,
  type PortalHarness,
  postFormFrom,
  fingerprintIn,
} from '../../../../test/support/portal-harness.ts';
import { binary, flatText, pdfText } from '../../../../test/support/pdf-text.ts';
import { realisticStrokes } from '../../../../test/support/signature.ts';

type Agent = ReturnType<PortalHarness['agent']>;

const textOf = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;|&#160;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ');

describe('public links and the staff record page', function () {
  this.timeout(180_000);
  let h: PortalHarness;
  let staff: Agent;
  let northwind: { id: number; workspace_id: number };
  let seq = 0;

  before(async function () {
    h = await startPortalHarness();
    staff = await signedInStaffAgent(h, 'demo');
    northwind = await h.crm
      .db('clients as c')
      .join('workspaces as w', 'w.id', 'c.workspace_id')
      .where({ 'w.slug': 'demo', 'c.name': 'Northwind Traders' })
      .first('c.id', 'c.workspace_id');
    // Decisions by link are off until a workspace allows them; most tests here need them on.
    await linkDecisions(true);
  });

  async function linkDecisions(on: boolean) {
    await h.crm
      .db('workspace_client_portal_settings')
      .insert({ workspace_id: northwind.workspace_id, allow_public_link_decisions: on })
      .onConflict('workspace_id')
      .merge();
    await h.crm.portal.workspaceChanged(String(northwind.workspace_id));
  }
  after(async function () {
    await h?.close();
  });
  beforeEach(async function () {
    await h.crm.db('portal_rate_limits').delete();
  });

  async function openProposal() {
    seq += 1;
    const [row] = await h.crm
      .db('proposals')
      .insert({
        workspace_id: northwind.workspace_id,
        client_id: northwind.id,
        number: `PUB-${seq}`,
        title: 'Brand refresh',
        body: 'Logo and colours.',
        status: 'sent',
        currency: 'USD',
        valid_until: '2099-12-31',
        sent_at: new Date(),
      })
      .returning('id');
    await h.crm.db('proposal_items').insert({
      workspace_id: northwind.workspace_id,
      proposal_id: row.id,
      position: 1,
      description: 'Logo design',
      quantity: 1,
      unit_price_cents: 250_000,
    });
    return String(row.id);
  }

  const recordPath = (kind: string, id: string) => `/settings/client-portal/records/${kind}/${northwind.id}/${id}`;

  /** Creates a link from the staff page and reads its URL back from the page (as a person copies it). */
  async function createLink(kind: string, id: string, form: Record<string, string> = { days: '30', allowDecision: 'on' }): Promise<string> {
    const res = await postFormFrom(staff, recordPath(kind, id), `${recordPath(kind, id)}/links`, form, 303);
    const after = await staff.get(res.headers.location!.split('#')[0]!).expect(200);
    const urls = [...after.text.matchAll(/value="(https?:\/\/[^"]+\/portal\/demo\/p\/[A-Za-z0-9_-]{43})"/g)].map((m) => m[1]!);
    expect(urls.length).to.be.greaterThan(0);
    return new URL(urls[0]!).pathname;
  }

  it('lets a visitor read, download and accept a proposal by link, logged, and shows staff the evidence', async function () {
    const id = await openProposal();
    const link = await createLink('proposal', id);
    const stored = await h.crm.db('portal_public_links').where({ subject_id: id }).first();
    expect(stored.token_hash).to.have.length(64);
    expect(link).to.not.include(stored.token_hash);
    expect(stored.expires_at.getTime() - stored.created_at.getTime()).to.equal(30 * 86_400_000);

    const visitor = h.agent();
    const page = await visitor.get(link).set('User-Agent', 'link-visitor').expect(200);
    const text = textOf(page.text);
    expect(text).to.include('Proposal PUB-').and.include('Logo design').and.include('$2,500.00').and.include('Shared with you by link');
    expect(page.text).to.include('/portal/demo/branding.css').and.include(`${link}/document.pdf`);
    const pdf = await visitor.get(`${link}/document.pdf`).expect(200);
    expect(pdf.headers['content-type']).to.match(/application\/pdf/);

    // Errors keep what was typed; then the decision with a typed name, email and a drawn signature.
    const bad = await visitor
      .post(`${link}/accept`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), typedName: 'Dan Ng', email: 'not-an-email', fingerprint: fingerprintIn(page.text) })
      .expect(400);
    expect(textOf(bad.text)).to.include('Enter a valid email address').and.include('Tick the box');
    expect(bad.text).to.include('value="Dan Ng"');
    const ok = await visitor
      .post(`${link}/accept`)
      .type('form')
      .set('User-Agent', 'link-visitor')
      .send({
        _csrf: csrfFrom(page.text),
        typedName: 'Dan Ng',
        email: 'Dan@Northwind.test',
        consent: 'yes',
        fingerprint: fingerprintIn(page.text),
        signatureStrokes: JSON.stringify(realisticStrokes(400, 120, 60)),
      })
      .expect(303);
    const after = textOf((await visitor.get(ok.headers.location!).expect(200)).text);
    expect(after).to.include('Accepted on').and.include('by Dan Ng (dan@northwind.test) through a shared link');
    expect(
      await h.crm
        .db('proposals')
        .where({ id: Number(id) })
        .first('status'),
    ).to.deep.equal({ status: 'accepted' });
    const decision = await h.crm.db('portal_offer_decisions').where({ offer_id: id }).first();
    expect(decision).to.include({
      method: 'public_link',
      typed_name: 'Dan Ng',
      email: 'dan@northwind.test',
      client_user_id: null,
      user_agent: 'link-visitor',
      public_link_id: stored.id,
    });
    expect(decision.signature_strokes).to.deep.equal(realisticStrokes(400, 120, 60));
    // The link's PDF, once accepted, carries the signature as the client's own PDF does.
    const signed = await visitor.get(`${link}/document.pdf`).buffer(true).parse(binary).expect(200);
    expect(flatText(await pdfText(signed.body as Buffer)))
      .to.include('Accepted and signed')
      .and.include('Signed by: Dan Ng');
    expect((signed.body as Buffer).toString('latin1')).to.match(/\/Subtype \/Image/);

    const accesses = await h.crm
      .db('portal_public_link_accesses')
      .where({ link_id: stored.id })
      .orderBy('id')
      .select('action', 'user_agent', 'ip');
    expect(accesses.map((a) => a.action)).to.include.members(['opened', 'pdf', 'accepted']);
    expect(accesses.every((a) => a.ip)).to.equal(true);

    // Staff: the evidence, the fingerprint check, the access log; then an edit in the CRM is flagged.
    const record = textOf((await staff.get(recordPath('proposal', id)).expect(200)).text);
    expect(record)
      .to.include('Dan Ng')
      .and.include('Public link')
      .and.include('still matches')
      .and.include(decision.snapshot_sha256)
      .and.include('link-visitor');
    await staff
      .get(`${recordPath('proposal', id)}/signature.png`)
      .expect(200)
      .expect('content-type', /image\/png/);
    await staff
      .get(`${recordPath('proposal', id)}/signed.pdf`)
      .expect(200)
      .expect('content-type', /application\/pdf/);
    await h.crm
      .db('proposal_items')
      .where({ proposal_id: Number(id) })
      .update({ quantity: 2 });
    expect(textOf((await staff.get(recordPath('proposal', id)).expect(200)).text)).to.include('Changed after it was accepted on');
  });

  it('treats unknown, expired and revoked tokens alike, and honours the show_proposals switch', async function () {
    const id = await openProposal();
    const live = await createLink('proposal', id);
    const expiring = await createLink('proposal', id);
    const revoked = await createLink('proposal', id);
    const rows = await h.crm.db('portal_public_links').where({ subject_id: id }).orderBy('id').select('id');
    await h.crm
      .db('portal_public_links')
      .where({ id: rows[1].id })
      .update({ expires_at: new Date(Date.now() - 1000) });
    const page = await staff.get(recordPath('proposal', id)).expect(200);
    await staff
      .post(`${recordPath('proposal', id)}/links/${rows[2].id}/revoke`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
      .expect(303);

    const visitor = h.agent();
    const unknown = `/portal/demo/p/${'A'.repeat(43)}`;
    const answers = await Promise.all([expiring, revoked, unknown, '/portal/demo/p/short'].map((url) => visitor.get(url)));
    for (const res of answers) expect(res.status).to.equal(404);
    const bodies = answers.map((res) => textOf(res.text).replace(/\S+\/p\/\S+/g, ''));
    expect(new Set(bodies).size, 'one same page').to.equal(1);
    expect(bodies[0]).to.include('This link does not work');
    await visitor.get(live).expect(200);

    // The switch takes proposal links away with the section.
    const settings = await staff.get('/settings/client-portal').expect(200);
    await staff
      .post('/settings/client-portal')
      .type('form')
      .send({ _csrf: csrfFrom(settings.text), showInvoices: 'on', showTasks: 'on', loginWithCode: 'on', loginWithPassword: 'on' })
      .expect(303);
    try {
      await visitor.get(live).expect(404);
    } finally {
      const again = await staff.get('/settings/client-portal').expect(200);
      await staff
        .post('/settings/client-portal')
        .type('form')
        .send({
          _csrf: csrfFrom(again.text),
          showProposals: 'on',
          showInvoices: 'on',
          showTasks: 'on',
          allowComments: 'on',
          allowMessaging: 'on',
          allowPublicLinkDecisions: 'on',
          loginWithCode: 'on',
          loginWithPassword: 'on',
        })
        .expect(303);
    }
    await visitor.get(live).expect(200);
  });

  it("closes a company's links, page, PDF and decisions, while the agency hides their section from that company", async function () {
    const id = await openProposal();
    const link = await createLink('proposal', id);
    const visitor = h.agent();
    const page = await visitor.get(link).expect(200);
    await visitor.get(`${link}/document.pdf`).expect(200);
    await h.crm
      .db('portal_client_access')
      .insert({ workspace_id: String(northwind.workspace_id), client_id: String(northwind.id), denied_permissions: ['proposals'] });
    try {
      await visitor.get(link).expect(404);
      await visitor.get(`${link}/document.pdf`).expect(404);
      await visitor
        .post(`${link}/decline`)
        .type('form')
        .send({ _csrf: csrfFrom(page.text), typedName: 'Dan Ng', email: 'dan@northwind.test', fingerprint: fingerprintIn(page.text) })
        .expect(404);
      expect((await h.crm.db('proposals').where({ id }).first('status')).status).to.equal('sent');
      // Hiding invoices from the company leaves its proposal links as they are.
      await h.crm
        .db('portal_client_access')
        .where({ workspace_id: String(northwind.workspace_id), client_id: String(northwind.id) })
        .update({ denied_permissions: ['invoices'] });
      await visitor.get(link).expect(200);
    } finally {
      await h.crm
        .db('portal_client_access')
        .where({ workspace_id: String(northwind.workspace_id) })
        .delete();
    }
    await visitor.get(link).expect(200);
  });

  it('offers an invoice by link read-only, and a view-only link refuses decisions', async function () {
    const invoice = await h.crm.db('invoices').where({ client_id: northwind.id }).whereNot({ status: 'draft' }).first('id');
    const link = await createLink('invoice', String(invoice.id), { days: '7' });
    const page = await h.agent().get(link).expect(200);
    expect(page.text).to.not.include('name="fingerprint"');
    const id = await openProposal();
    const viewOnly = await createLink('proposal', id, { days: '3' });
    const visitor = h.agent();
    const seen = await visitor.get(viewOnly).expect(200);
    expect(seen.text).to.not.include(`${viewOnly}/accept`);
    const token = csrfFrom((await visitor.get('/portal/demo/sign-in').expect(200)).text);
    const refused = await visitor
      .post(`${viewOnly}/accept`)
      .type('form')
      .send({ _csrf: token, typedName: 'Dan Ng', email: 'dan@northwind.test', consent: 'yes', fingerprint: '0'.repeat(64) })
      .expect(403);
    expect(textOf(refused.text)).to.include('Accepting or declining is not available through this link.');
    expect(await h.crm.db('portal_offer_decisions').where({ offer_id: id })).to.have.length(0);
    const stored = await h.crm.db('portal_public_links').where({ subject_id: id }).first('expires_at', 'created_at');
    expect(stored.expires_at.getTime() - stored.created_at.getTime()).to.equal(3 * 86_400_000);
  });

  it('offers decisions by link only while the workspace allows them, and the admin switches that on', async function () {
    await linkDecisions(false);
    try {
      const id = await openProposal();
      const link = await createLink('proposal', id);
      const visitor = h.agent();
      const page = await visitor.get(link).expect(200);
      expect(page.text).to.not.include(`${link}/accept`).and.not.include(`${link}/decline`).and.not.include('name="fingerprint"');
      expect(textOf(page.text)).to.include('Accepting or declining is not available through this link.');
      const token = csrfFrom((await visitor.get('/portal/demo/sign-in').expect(200)).text);
      for (const [action, form] of [
        ['accept', { typedName: 'Dan Ng', email: 'dan@northwind.test', consent: 'yes' }],
        ['decline', { email: 'dan@northwind.test', note: 'No' }],
      ] as const) {
        const refused = await visitor
          .post(`${link}/${action}`)
          .type('form')
          .send({ _csrf: token, ...form, fingerprint: '0'.repeat(64) })
          .expect(403);
        expect(textOf(refused.text)).to.include('Accepting or declining is not available through this link.');
      }
      expect(await h.crm.db('portal_offer_decisions').where({ offer_id: id })).to.have.length(0);
      expect(
        await h.crm
          .db('proposals')
          .where({ id: Number(id) })
          .first('status'),
      ).to.deep.equal({ status: 'sent' });

      // The admin allows it on the settings page: the same link now offers the forms.
      const settings = await staff.get('/settings/client-portal').expect(200);
      expect(settings.text).to.include('name="allowPublicLinkDecisions"').and.include('Off: public links are read-only.');
      await staff
        .post('/settings/client-portal')
        .type('form')
        .send({
          _csrf: csrfFrom(settings.text),
          showProposals: 'on',
          showInvoices: 'on',
          showTasks: 'on',
          allowComments: 'on',
          allowMessaging: 'on',
          allowPublicLinkDecisions: 'on',
          loginWithCode: 'on',
          loginWithPassword: 'on',
        })
        .expect(303);
      const after = await visitor.get(link).expect(200);
      expect(after.text).to.include(`${link}/accept`).and.include(`${link}/decline`);
      expect(textOf(after.text)).to.not.include('not available through this link');
    } finally {
      await linkDecisions(true);
    }
  });

  it('rate-limits link lookups per IP', async function () {
    const visitor = h.agent();
    let limited = 0;
    for (let i = 0; i < 62; i++) {
      const res = await visitor.get(`/portal/demo/p/${String(i).padStart(43, 'B')}`);
      if (res.status === 429) limited += 1;
      else expect(res.status).to.equal(404);
    }
    expect(limited).to.equal(2);
  });

  it("shows staff the client's page read-only without creating a client session", async function () {
    const id = await openProposal();
    const res = await staff.get(`${recordPath('proposal', id)}/as-client`).expect(200);
    const text = textOf(res.text);
    expect(text).to.include('Read-only view of Northwind Traders').and.include('Logo design');
    expect(res.text).to.not.include('name="_csrf"').and.not.include(`/accept"`);
    expect(res.headers['set-cookie'] ?? []).to.deep.equal([]);
    const maria = await signedInAgent(h.agent(), 'demo', h.crm.clientLogins.find((l) => l.email === 'maria@northwind.test')!);
    const viewed = await h.crm.db('client_activity_logs').where({ event: 'offer.viewed' }).whereRaw("details->>'offerId' = ?", [id]);
    expect(viewed).to.deep.equal([]);
    await maria.get(`/portal/demo/proposals/${id}`).expect(200);
  });

  it("is linked from the CRM's own proposal and invoice pages", async function () {
    const id = await openProposal();
    const crmPage = await staff.get(`/proposals/${id}`).expect(200);
    expect(crmPage.text).to.include(`href="${recordPath('proposal', id)}"`);
    const invoice = await h.crm.db('invoices').where({ client_id: northwind.id }).first('id');
    expect((await staff.get(`/invoices/${invoice.id}`).expect(200)).text).to.include(`href="${recordPath('invoice', String(invoice.id))}"`);
  });

  it("answers 404 for another client's or workspace's record on the staff page", async function () {
    const id = await openProposal();
    const other = await h.crm.db('clients').where({ workspace_id: northwind.workspace_id }).whereNot({ id: northwind.id }).first('id');
    await staff.get(`/settings/client-portal/records/proposal/${other.id}/${id}`).expect(404);
    await staff.get(`/settings/client-portal/records/proposal/${northwind.id}/abc'`).expect(404);
    await staff.get(`/settings/client-portal/records/order/${northwind.id}/${id}`).expect(404);
  });
});
