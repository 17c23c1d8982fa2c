// Deciding proposals on the second, Dolibarr-like host, over HTTP as its clients do: Claire accepts
// a proposal of her company with a typed name (llx_propal.fk_statut 1 → 2 with date_signature, and
// the portal's evidence row bound to the fingerprint she saw), Marc declines one of his (1 → 3, a
// closing date and no signature), neither can decide the other's, and, as that host keeps no
// quotations, every quotation route answers 404 and the navigation has no link to them.
import { expect } from 'chai';
import { csrfFrom, signedInAgent } from '../support/portal-harness.ts';
import { SECOND_LOGINS, SECOND_WORKSPACE, startSecondHost, type SecondHost } from '../support/second-host-harness.ts';

type Agent = Awaited<ReturnType<typeof signedInAgent>>;

const fingerprintIn = (html: string) => /name="fingerprint" value="([0-9a-f]{64})"/.exec(html)?.[1] ?? '';
const textOf = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/\s+/g, ' ');

describe('second host: clients accept and decline proposals over HTTP', function () {
  this.timeout(180_000);
  let h: SecondHost;
  let claire: Agent;
  let marc: Agent;
  const base = `/portal/${SECOND_WORKSPACE}`;

  before(async function () {
    h = await startSecondHost();
    // The seed's open proposals passed their validity in February; the agency extends them, so
    // they can still be accepted.
    await h.db('llx_propal').whereIn('rowid', [2, 4]).update({ fin_validite: '2099-12-31 23:59' });
    claire = await signedInAgent(h.agent(), SECOND_WORKSPACE, { email: SECOND_LOGINS.claire.email, password: SECOND_LOGINS.claire.password });
    marc = await signedInAgent(h.agent(), SECOND_WORKSPACE, { email: SECOND_LOGINS.marc.email, password: SECOND_LOGINS.marc.password });
  });
  after(async function () {
    await h?.close();
  });

  const propal = (rowid: number) => h.db('llx_propal').where({ rowid }).first('fk_statut', 'date_signature', 'date_cloture');

  it('Claire accepts her company\'s proposal with a typed name: the host status is signed and the evidence is written', async function () {
    const page = await claire.get(`${base}/proposals/4`).expect(200);
    expect(page.text).to.include(`href="${base}/proposals/4/accept"`);
    // Marc, of another company, cannot reach it.
    await marc.get(`${base}/proposals/4/accept`).expect(404);

    const form = await claire.get(`${base}/proposals/4/accept`).expect(200);
    const fingerprint = fingerprintIn(form.text);
    expect(fingerprint).to.have.length(64);
    // Without the typed name nothing is decided and the form says why.
    const missing = await claire.post(`${base}/proposals/4/accept`).type('form').send({ _csrf: csrfFrom(form.text), typedName: '', consent: 'yes', fingerprint }).expect(400);
    expect(missing.text).to.include('aria-invalid="true"');
    expect((await propal(4)).fk_statut).to.equal(1);

    const res = await claire.post(`${base}/proposals/4/accept`).type('form').set('User-Agent', 'second-host-test')
      .send({ _csrf: csrfFrom(form.text), typedName: 'Claire Martin', consent: 'yes', fingerprint }).expect(303);
    expect(res.headers.location).to.match(new RegExp(`^${base}/proposals/4`));

    const row = await propal(4);
    expect(row.fk_statut).to.equal(2);
    expect(row.date_signature).to.be.instanceOf(Date);
    expect(row.date_cloture).to.be.instanceOf(Date);
    const evidence = await h.db('portal_offer_decisions').where({ workspace_id: '1', offer_kind: 'proposal', offer_id: '4' });
    expect(evidence).to.have.length(1);
    expect(evidence[0]).to.include({ client_id: '1', outcome: 'accepted', method: 'portal', typed_name: 'Claire Martin', snapshot_sha256: fingerprint, user_agent: 'second-host-test' });
    expect(evidence[0].ip).to.be.a('string').and.not.equal('');
    const snapshot = typeof evidence[0].snapshot === 'string' ? JSON.parse(evidence[0].snapshot) : evidence[0].snapshot;
    expect(snapshot).to.include({ kind: 'proposal', id: '4', number: 'PR2601-0004', currency: 'EUR' });

    // Final: the page shows the decision, and a second accept changes nothing.
    const after = textOf((await claire.get(res.headers.location!).expect(200)).text);
    expect(after).to.include('Thank you. Your acceptance is recorded.');
    await claire.post(`${base}/proposals/4/accept`).type('form').send({ _csrf: csrfFrom(form.text), typedName: 'Claire Martin', consent: 'yes', fingerprint }).expect(409);
    expect(await h.db('portal_offer_decisions').where({ offer_id: '4' })).to.have.length(1);
  });

  it('Marc declines his company\'s proposal with a reason: not signed, closed, no signature date', async function () {
    const form = await marc.get(`${base}/proposals/2/decline`).expect(200);
    await marc.post(`${base}/proposals/2/decline`).type('form')
      .send({ _csrf: csrfFrom(form.text), note: 'Too expensive for now', fingerprint: fingerprintIn(form.text) }).expect(303);
    const row = await propal(2);
    expect(row.fk_statut).to.equal(3);
    expect(row.date_signature).to.equal(null);
    expect(row.date_cloture).to.be.instanceOf(Date);
    expect(await h.db('portal_offer_decisions').where({ offer_id: '2' }).first('client_id', 'outcome', 'note', 'typed_name'))
      .to.deep.equal({ client_id: '2', outcome: 'declined', note: 'Too expensive for now', typed_name: 'Marc Dupont' });
  });

  it('answers 404 on every quotation route, and offers no link to quotations', async function () {
    const dashboard = await claire.get(`${base}/`).expect(200);
    expect(dashboard.text).to.include(`href="${base}/proposals"`).and.not.include(`${base}/quotations`);
    expect(textOf(dashboard.text)).to.not.match(/quotation/i);
    for (const path of ['/quotations', '/quotations/1', '/quotations/1.pdf', '/quotations/1/accept', '/quotations/1/decline', '/quotations/1/signed.pdf']) {
      await claire.get(`${base}${path}`).expect(404);
    }
    const form = await claire.get(`${base}/proposals/1`).expect(200);
    for (const path of ['/quotations/1/accept', '/quotations/1/decline', '/quotations/1/comments']) {
      await claire.post(`${base}${path}`).type('form').send({ _csrf: csrfFrom(form.text), typedName: 'Claire Martin', consent: 'yes', fingerprint: '0'.repeat(64), body: 'Hello' }).expect(404);
    }
    expect(await h.db('portal_offer_decisions').where({ offer_kind: 'quotation' })).to.have.length(0);
  });
});
