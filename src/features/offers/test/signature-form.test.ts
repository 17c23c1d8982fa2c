// The accept form and a drawn signature over HTTP: the typed name starts empty (typing it is the
// act of signing), a drawn signature arrives as strokes and is kept as strokes with a PNG the
// server draws from them, whatever the screen it was drawn on; a signature the schema refuses
// shows the form again with what was typed kept; a canvas PNG as large as a retina screen made it
// (the older form) is no longer refused as a too-large form; and the staff record page and the
// signed PDF show the drawn signature; a form shown again for another field brings the drawing back.
import { expect } from 'chai';
import {
  csrfFrom,
  fingerprintIn,
  type PortalHarness,
  type signedInAgent,
  signedInDemoClient,
  signedInStaffAgent,
  startPortalHarness,
} from '../../../../test/support/portal-harness.ts';
import { noisyPng, realisticStrokes } from '../../../../test/support/signature.ts';
import { type DemoClient, demoNorthwind, sentProposal } from '../../../../test/support/demo-records.ts';

type Agent = Awaited<ReturnType<typeof signedInAgent>>;

describe('the accept form and a drawn signature', function () {
  this.timeout(120_000);
  let h: PortalHarness;
  let maria: Agent;
  let northwind: DemoClient;
  let sequence = 0;

  before(async function () {
    h = await startPortalHarness();
    maria = await signedInDemoClient(h, 'maria@northwind.test');
    northwind = await demoNorthwind(h.crm.db);
  });
  after(async function () {
    await h?.close();
  });

  async function openProposal(): Promise<{ path: string; id: string }> {
    sequence += 1;
    const id = await sentProposal(h.crm.db, northwind, {
      number: `SIG-${sequence}`,
      title: 'Shop relaunch',
      body: 'Design and build.',
      currency: 'EUR',
      items: [{ description: 'Design', quantity: 1, unitPriceCents: 420_000 }],
    });
    return { path: `/portal/demo/proposals/${id}`, id };
  }

  it('leaves the typed name empty, with autocomplete off: typing it is what signs', async function () {
    const { path } = await openProposal();
    const form = (await maria.get(`${path}/accept`).expect(200)).text;
    const input = /<input id="decision-typedName"[^>]*>/.exec(form)?.[0] ?? '';
    expect(input).to.include('value=""').and.include('autocomplete="off"');
    expect(form).to.not.include('value="Maria García"');
  });

  it('accepts with the typed name alone, as a browser without JavaScript sends the form', async function () {
    const { path, id } = await openProposal();
    const form = (await maria.get(`${path}/accept`).expect(200)).text;
    // The drawing area is hidden until the script wires it, so without JavaScript only the name is offered.
    expect(form).to.match(/<div class="field signature" data-signature hidden>/);
    await maria
      .post(`${path}/accept`)
      .type('form')
      .send({ _csrf: csrfFrom(form), typedName: 'Maria García', consent: 'yes', fingerprint: fingerprintIn(form), signatureStrokes: '' })
      .expect(303);
    const row = await h.crm.db('portal_offer_decisions').where({ offer_id: id }).first('signature_png', 'signature_strokes', 'typed_name');
    expect(row).to.deep.equal({ signature_png: null, signature_strokes: null, typed_name: 'Maria García' });
  });

  it('keeps a drawn signature as strokes and draws its PNG on the server', async function () {
    const { path, id } = await openProposal();
    const form = (await maria.get(`${path}/accept`).expect(200)).text;
    expect(form).to.include('name="signatureStrokes"');
    const strokes = realisticStrokes();
    const body = new URLSearchParams({
      _csrf: csrfFrom(form),
      typedName: 'Maria García',
      consent: 'yes',
      fingerprint: fingerprintIn(form),
      signatureStrokes: JSON.stringify(strokes),
    }).toString();
    console.log(`      form with a three-stroke signature (${strokes.s.flat().length / 2} points): ${(body.length / 1024).toFixed(1)} KB`);
    const chrome = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
    await maria.post(`${path}/accept`).set('User-Agent', chrome).type('form').send(body).expect(303);
    const row = await h.crm.db('portal_offer_decisions').where({ offer_id: id }).first('signature_png', 'signature_strokes', 'typed_name');
    expect(row.typed_name).to.equal('Maria García');
    expect(row.signature_strokes).to.deep.equal(strokes);
    const png = Buffer.from(row.signature_png);
    expect(png.subarray(1, 4).toString()).to.equal('PNG');
    expect(png.readUInt32BE(16)).to.equal(900);
    expect(png.readUInt32BE(20)).to.equal(300);

    // The evidence: the staff record page's image and the signed PDF.
    const staff = await signedInStaffAgent(h, 'demo');
    const record = `/settings/client-portal/records/proposal/${northwind.id}/${id}`;
    const image = await staff
      .get(`${record}/signature.png`)
      .buffer(true)
      .expect(200)
      .expect('content-type', /image\/png/);
    expect(Buffer.from(image.body as Buffer).equals(png)).to.equal(true);
    // The browser named as the activity log names it, the whole string kept one click away.
    const evidence = (await staff.get(record).expect(200)).text;
    expect(evidence).to.include('<dd>Chrome on Linux<details class="evidence__agent">').and.include(`<code>${chrome}</code>`);
    const pdf = await maria.get(`${path}/signed.pdf`).buffer(true).expect(200).expect('content-type', /pdf/);
    expect((pdf.body as Buffer).toString('latin1')).to.match(/\/Subtype \/Image/);
  });

  it('refuses strokes past the bounds or outside the canvas with the form shown again, what was typed kept', async function () {
    const { path, id } = await openProposal();
    const form = (await maria.get(`${path}/accept`).expect(200)).text;
    const post = (signatureStrokes: string) =>
      maria
        .post(`${path}/accept`)
        .type('form')
        .send({ _csrf: csrfFrom(form), typedName: 'Maria García', consent: 'yes', fingerprint: fingerprintIn(form), signatureStrokes });
    const outside = realisticStrokes();
    outside.s[0]![1] = 5000;
    for (const bad of [
      '{"v":1',
      JSON.stringify(outside),
      JSON.stringify({ ...realisticStrokes(), s: [[1, 2, 3]] }),
      JSON.stringify({ ...realisticStrokes(), s: [['1', 2]] }),
    ]) {
      const res = await post(bad).expect(400);
      expect(res.text).to.include('value="Maria García"').and.include('checked');
      // Named beside the drawing area, and linked from the summary to it; the bad strokes are not sent back.
      expect(res.text)
        .to.match(/<p class="field-error" id="decision-signature-error">The drawn signature could not be read\./)
        .and.include('href="#decision-signature"');
      expect(res.text).to.include('name="signatureStrokes" value=""');
    }
    const tooMany = realisticStrokes(600, 200, 2000);
    const res = await post(JSON.stringify(tooMany)).expect(400);
    expect(res.text).to.include('value="Maria García"').and.not.include('That form was too large');
    expect(await h.crm.db('portal_offer_decisions').where({ offer_id: id }).first()).to.equal(undefined);
  });

  it('brings a checked drawing back when the form is shown again for another field', async function () {
    const { path } = await openProposal();
    const form = (await maria.get(`${path}/accept`).expect(200)).text;
    const strokes = JSON.stringify(realisticStrokes());
    const res = await maria
      .post(`${path}/accept`)
      .type('form')
      .send({ _csrf: csrfFrom(form), typedName: 'Maria García', fingerprint: fingerprintIn(form), signatureStrokes: strokes })
      .expect(400);
    const kept = /name="signatureStrokes" value="([^"]*)"/.exec(res.text)?.[1] ?? '';
    expect(kept.replace(/&#34;/g, '"')).to.equal(strokes);
  });

  it('accepts a canvas PNG as large as a retina screen made it (the form before strokes), not a bare 413', async function () {
    const { path, id } = await openProposal();
    const form = (await maria.get(`${path}/accept`).expect(200)).text;
    const png = noisyPng(320, 260);
    const body = new URLSearchParams({
      _csrf: csrfFrom(form),
      typedName: 'Maria García',
      consent: 'yes',
      fingerprint: fingerprintIn(form),
      signature: `data:image/png;base64,${png.toString('base64')}`,
    }).toString();
    expect(body.length).to.be.above(86 * 1024);
    await maria.post(`${path}/accept`).type('form').send(body).expect(303);
    const row = await h.crm.db('portal_offer_decisions').where({ offer_id: id }).first('signature_png');
    expect(Buffer.from(row.signature_png).equals(png)).to.equal(true);
  });

  it('sends a form past even the accept cap back to its page with a message, never a bare 413 page', async function () {
    const { path, id } = await openProposal();
    const form = (await maria.get(`${path}/accept`).expect(200)).text;
    const res = await maria
      .post(`${path}/accept`)
      .type('form')
      .send({
        _csrf: csrfFrom(form),
        typedName: 'Maria García',
        consent: 'yes',
        fingerprint: fingerprintIn(form),
        note: 'n'.repeat(400 * 1024),
      });
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal(`${path}/accept?refused=too_large`);
    const page = await maria.get(res.headers.location!).expect(200);
    expect(page.text).to.include('That form was too large to read, so nothing was sent.').and.include('name="typedName"');
    expect(await h.crm.db('portal_offer_decisions').where({ offer_id: id }).first()).to.equal(undefined);
  });

  it('keeps the 32 KB cap on every other form', async function () {
    const account = (await maria.get('/portal/demo/account').expect(200)).text;
    const res = await maria
      .post('/portal/demo/account/profile')
      .type('form')
      .send({ _csrf: csrfFrom(account), name: 'x'.repeat(40 * 1024) });
    expect(res.status).to.equal(413);
  });
});
