// Deciding on proposals and quotations in the portal, over HTTP against the reference CRM: the
// offer page offers Accept / Decline, the accept form keeps what was typed and names every error,
// a drawn signature is kept only as a checked PNG, post/redirect/get back to the offer, the signed
// PDF carries the accepted version and the evidence (its text extracted with pdftotext), an edit in
// the CRM afterwards is reported on the page, the activity log has the decision with IP and user
// agent, and the SQL round trips and timings per request are measured.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  csrfFrom,
  fingerprintIn,
  type PortalHarness,
  type signedInAgent,
  signedInDemoClient,
  startPortalHarness,
} from '../../../../test/support/portal-harness.ts';
import { tinyPng } from '../../../../test/support/signature.ts';

type Agent = Awaited<ReturnType<typeof signedInAgent>>;

function pdfText(pdf: Buffer): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'signed-pdf-'));
  const file = path.join(dir, 'doc.pdf');
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
}

const textOf = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;|&#160;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ');

describe('deciding on proposals and quotations in the portal', function () {
  this.timeout(180_000);
  let h: PortalHarness;
  let maria: Agent;
  let queries = 0;
  let northwind: { id: number; workspace_id: number };

  before(async function () {
    h = await startPortalHarness();
    maria = await signedInDemoClient(h, 'maria@northwind.test');
    northwind = await h.crm
      .db('clients as c')
      .join('workspaces as w', 'w.id', 'c.workspace_id')
      .where({ 'w.slug': 'demo', 'c.name': 'Northwind Traders' })
      .first('c.id', 'c.workspace_id');
    h.crm.db.on('query', () => {
      queries += 1;
    });
  });
  after(async function () {
    await h?.close();
  });

  async function counted<T>(work: () => Promise<T>): Promise<{ result: T; queries: number; ms: number }> {
    const before = queries;
    const started = performance.now();
    const result = await work();
    return { result, queries: queries - before, ms: performance.now() - started };
  }

  let sequence = 0;
  async function openOffer(table: 'proposals' | 'quotations', validUntil = '2099-12-31') {
    sequence += 1;
    const [row] = await h.crm
      .db(table)
      .insert({
        workspace_id: northwind.workspace_id,
        client_id: northwind.id,
        number: `DEC-${table[0]}-${sequence}`,
        title: 'Shop relaunch',
        body: 'Design and build of the new shop.',
        status: 'sent',
        currency: 'EUR',
        valid_until: validUntil,
        sent_at: new Date(),
      })
      .returning('id');
    const item = table === 'proposals' ? 'proposal' : 'quotation';
    await h.crm.db(`${item}_items`).insert({
      workspace_id: northwind.workspace_id,
      [`${item}_id`]: row.id,
      position: 1,
      description: 'Łódź storefront design',
      quantity: 1,
      unit_price_cents: 420_000,
    });
    return `/portal/demo/${table}/${row.id}`;
  }

  it('accepts a proposal with a typed name and a drawn signature, then serves the signed PDF', async function () {
    const href = await openOffer('proposals');
    const page = await maria.get(href).expect(200);
    expect(page.text).to.include(`href="${href}/accept"`).and.include(`href="${href}/decline"`);

    const form = await maria.get(`${href}/accept`).expect(200);
    expect(form.text)
      .to.include('data-signature')
      .and.include('/assets/signature.js')
      .and.include('/assets/vendor/signature_pad.umd.min.js');
    const fingerprint = fingerprintIn(form.text);
    expect(fingerprint).to.have.length(64);

    // Every error at once, and what was typed comes back (the consent box unticked, a bad drawing).
    const bad = await maria
      .post(`${href}/accept`)
      .type('form')
      .send({ _csrf: csrfFrom(form.text), typedName: '', fingerprint, signature: 'data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=' })
      .expect(400);
    expect(textOf(bad.text))
      .to.include('Type your full name to sign.')
      .and.include('Tick the box to confirm that you accept.')
      .and.include('The drawn signature could not be read.');
    const notPng = await maria
      .post(`${href}/accept`)
      .type('form')
      .send({
        _csrf: csrfFrom(form.text),
        typedName: 'Maria García',
        consent: 'yes',
        fingerprint,
        signature: `data:image/png;base64,${Buffer.from('GIF89a not a png at all, just bytes').toString('base64')}`,
      })
      .expect(400);
    expect(notPng.text).to.include('value="Maria García"').and.include('checked');

    const png = tinyPng(600, 200);
    const {
      result: accepted,
      queries: n,
      ms,
    } = await counted(() =>
      maria
        .post(`${href}/accept`)
        .type('form')
        .set('User-Agent', 'decisions-test')
        .send({
          _csrf: csrfFrom(form.text),
          typedName: 'Maria García',
          consent: 'yes',
          fingerprint,
          signature: `data:image/png;base64,${png.toString('base64')}`,
        })
        .expect(303),
    );
    expect(accepted.headers.location).to.equal(`${href}?decided=accepted`);
    expect(n, 'SQL round trips to accept').to.be.at.most(16);
    console.log(`      accept: ${n} SQL round trips, ${ms.toFixed(1)} ms`);

    const { result: after, queries: pageQueries, ms: pageMs } = await counted(() => maria.get(accepted.headers.location!).expect(200));
    console.log(`      proposal page after acceptance: ${pageQueries} SQL round trips, ${pageMs.toFixed(1)} ms`);
    const text = textOf(after.text);
    expect(text).to.include('Thank you. Your acceptance is recorded.').and.include('as Maria García');
    expect(after.text).to.not.include(`href="${href}/accept"`);
    expect(after.text).to.include(`href="${href}/signed.pdf"`);

    const stored = await h.crm
      .db('portal_offer_decisions')
      .where({ offer_id: href.split('/').pop() })
      .first();
    expect(Buffer.from(stored.signature_png).equals(png)).to.equal(true);
    expect(stored).to.include({ typed_name: 'Maria García', method: 'portal', user_agent: 'decisions-test', snapshot_sha256: fingerprint });
    const activity = await h.crm.db('client_activity_logs').where({ event: 'offer.accepted' }).orderBy('id', 'desc').first();
    expect(activity).to.include({ user_agent: 'decisions-test' });
    expect(activity.ip).to.be.a('string').and.not.equal('');

    const {
      result: pdf,
      queries: pdfQueries,
      ms: pdfMs,
    } = await counted(() =>
      maria
        .get(`${href}/signed.pdf`)
        .buffer(true)
        .parse(binaryParser as unknown as Parameters<ReturnType<Agent['get']>['parse']>[0])
        .expect(200),
    );
    console.log(`      signed PDF: ${pdfQueries} SQL round trips, ${pdfMs.toFixed(1)} ms (render ${pdf.headers['server-timing']})`);
    expect(pdf.headers['content-type']).to.match(/application\/pdf/);
    const pdfBody = pdfText(pdf.body as Buffer);
    expect(pdfBody)
      .to.include('Accepted and signed')
      .and.include('Maria García')
      .and.include(fingerprint)
      .and.include(stored.ip)
      .and.include('Łódź storefront design')
      .and.include('4,200.00');

    // The agency edits the proposal in the CRM afterwards: the page says so, the signed PDF keeps the accepted figures.
    await h.crm
      .db('proposal_items')
      .where({ proposal_id: Number(href.split('/').pop()) })
      .update({ unit_price_cents: 510_000 });
    const changed = textOf((await maria.get(href).expect(200)).text);
    expect(changed).to.match(/This document was changed after it was accepted on .+\./);
    const second = await maria
      .get(`${href}/signed.pdf`)
      .buffer(true)
      .parse(binaryParser as unknown as Parameters<ReturnType<Agent['get']>['parse']>[0])
      .expect(200);
    console.log(`      signed PDF again (warm): render ${second.headers['server-timing']}`);
    const again = pdfText(second.body as Buffer);
    expect(again).to.include('4,200.00').and.not.include('5,100.00');

    // Final: the forms are gone, and a replayed POST is refused without a second decision.
    expect((await maria.get(`${href}/accept`)).status).to.equal(303);
    await maria
      .post(`${href}/decline`)
      .type('form')
      .send({ _csrf: csrfFrom(form.text), fingerprint })
      .expect(409);
    expect(await h.crm.db('portal_offer_decisions').where({ offer_id: href.split('/').pop() })).to.have.length(1);
  });

  it('accepts a quotation with notes and a PO number, and declines a proposal with a reason', async function () {
    const quotation = await openOffer('quotations');
    const form = await maria.get(`${quotation}/accept`).expect(200);
    expect(form.text).to.not.include('data-signature');
    await maria
      .post(`${quotation}/accept`)
      .type('form')
      .send({
        _csrf: csrfFrom(form.text),
        typedName: 'Maria García',
        consent: 'yes',
        poNumber: 'PO 2026/17',
        note: 'Start in May',
        fingerprint: fingerprintIn(form.text),
      })
      .expect(303);
    expect(
      await h.crm
        .db('quotations')
        .where({ id: Number(quotation.split('/').pop()) })
        .first('status'),
    ).to.deep.equal({ status: 'accepted' });
    expect(
      await h.crm
        .db('portal_offer_decisions')
        .where({ offer_kind: 'quotation', offer_id: quotation.split('/').pop() })
        .first('po_number', 'note'),
    ).to.deep.equal({ po_number: 'PO 2026/17', note: 'Start in May' });

    const proposal = await openOffer('proposals');
    const decline = await maria.get(`${proposal}/decline`).expect(200);
    const res = await maria
      .post(`${proposal}/decline`)
      .type('form')
      .send({ _csrf: csrfFrom(decline.text), note: 'Over budget this year', fingerprint: fingerprintIn(decline.text) })
      .expect(303);
    expect(textOf((await maria.get(res.headers.location!).expect(200)).text))
      .to.include('Your answer is recorded.')
      .and.include('You declined this on');
    await maria.get(`${proposal}/signed.pdf`).expect(404);
    expect(
      await h.crm
        .db('proposals')
        .where({ id: Number(proposal.split('/').pop()) })
        .first('status'),
    ).to.deep.equal({ status: 'declined' });
  });

  it('does not accept an expired proposal, and asks to review one that changed while open', async function () {
    const expired = await openOffer('proposals', '2020-01-01');
    const page = textOf((await maria.get(expired).expect(200)).text);
    expect(page).to.include('can no longer be accepted');
    expect((await maria.get(expired).expect(200)).text).to.not.include(`href="${expired}/accept"`);
    const decline = await maria.get(`${expired}/decline`).expect(200);
    await maria
      .post(`${expired}/accept`)
      .type('form')
      .send({ _csrf: csrfFrom(decline.text), typedName: 'Maria García', consent: 'yes', fingerprint: fingerprintIn(decline.text) })
      .expect(409);

    const moving = await openOffer('proposals');
    const form = await maria.get(`${moving}/accept`).expect(200);
    await h.crm
      .db('proposals')
      .where({ id: Number(moving.split('/').pop()) })
      .update({ title: 'Shop relaunch, phase 2' });
    const res = await maria
      .post(`${moving}/accept`)
      .type('form')
      .send({ _csrf: csrfFrom(form.text), typedName: 'Maria García', consent: 'yes', fingerprint: fingerprintIn(form.text) })
      .expect(409);
    expect(textOf(res.text)).to.include('The document changed while you had it open').and.include('Shop relaunch, phase 2');
    expect(res.text).to.include('value="Maria García"');
    expect(fingerprintIn(res.text)).to.not.equal(fingerprintIn(form.text));
  });

  it('measures acceptance latency over several proposals', async function () {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const href = await openOffer('proposals');
      const form = await maria.get(`${href}/accept`).expect(200);
      const { ms } = await counted(() =>
        maria
          .post(`${href}/accept`)
          .type('form')
          .send({
            _csrf: csrfFrom(form.text),
            typedName: 'Maria García',
            consent: 'yes',
            fingerprint: fingerprintIn(form.text),
            signature: `data:image/png;base64,${tinyPng(600, 200).toString('base64')}`,
          })
          .expect(303),
      );
      times.push(ms);
    }
    times.sort((a, b) => a - b);
    console.log(`      accept latency over 5: median ${times[2]!.toFixed(1)} ms, max ${times[4]!.toFixed(1)} ms`);
    expect(times[2]).to.be.below(2000);
  });
});

function binaryParser(res: NodeJS.ReadableStream, cb: (err: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(Buffer.from(chunk)));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}
