// The PDFs of an accepted proposal, read back as text (pdftotext): the signed version's evidence
// PDF carries the letterhead an invoice carries (the agency's registered name, address, VAT id and
// registration, the client's address and tax id), for the client and for staff; the ordinary PDF
// of the offer, once accepted, shows the signature (the drawn image, who signed, when) and says
// whether it still is the version signed, as its HTML preview does. In English and German.
import { expect } from 'chai';
import { binary, flatText as flat, pdfText } from '../../../../test/support/pdf-text.ts';
import {
  csrfFrom,
  fingerprintIn,
  type PortalHarness,
  type signedInAgent,
  signedInDemoClient,
  signedInStaffAgent,
  startPortalHarness,
} from '../../../../test/support/portal-harness.ts';
import { realisticStrokes } from '../../../../test/support/signature.ts';
import { type DemoClient, demoNorthwind, sentProposal } from '../../../../test/support/demo-records.ts';

type Agent = Awaited<ReturnType<typeof signedInAgent>>;
/** Images the PDF embeds: the drawn signature is the only one (the demo workspace has no logo). */
const images = (pdf: Buffer) => pdf.toString('latin1').match(/\/Subtype \/Image/g)?.length ?? 0;

const SELLER = {
  'seller legal name': 'Demo Agency GmbH',
  'seller street': 'Rosenthaler Straße 40',
  'seller city': '10178 Berlin',
  'buyer street': '410 Harbor Street',
  'buyer city': 'Seattle, WA 98101',
};

describe('the PDFs of an accepted proposal', function () {
  this.timeout(180_000);
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

  async function accepted(drawn: boolean): Promise<{ path: string; id: string }> {
    sequence += 1;
    const id = await sentProposal(h.crm.db, northwind, {
      number: `ACC-${sequence}`,
      title: 'Shop relaunch',
      body: 'Design and build.',
      currency: 'EUR',
      items: [{ description: 'Design', quantity: 1, unitPriceCents: 420_000 }],
    });
    const path = `/portal/demo/proposals/${id}`;
    const form = (await maria.get(`${path}/accept`).expect(200)).text;
    await maria
      .post(`${path}/accept`)
      .type('form')
      .send({
        _csrf: csrfFrom(form),
        typedName: 'Maria García',
        consent: 'yes',
        fingerprint: fingerprintIn(form),
        signatureStrokes: drawn ? JSON.stringify(realisticStrokes()) : '',
      })
      .expect(303);
    return { path, id };
  }

  const download = async (agent: Agent, href: string, lang = 'en') => {
    const res = await agent.get(href).set('Accept-Language', lang).buffer(true).parse(binary).expect(200);
    const pdf = res.body as Buffer;
    return { pdf, text: flat(await pdfText(pdf)) };
  };

  const missing = (text: string, phrases: Record<string, string | RegExp>) =>
    Object.entries(phrases)
      .filter(([, phrase]) => (typeof phrase === 'string' ? !text.includes(phrase) : !phrase.test(text)))
      .map(([field]) => field);

  it("heads the signed PDF with the agency's legal details and the client's address, for the client and for staff", async function () {
    const { path, id } = await accepted(true);
    const expected = {
      ...SELLER,
      'seller heading': 'FROM',
      'buyer tax id': 'Tax ID: 91-1144442',
      'legal details at the foot': /Demo Agency GmbH · Rosenthaler Straße 40, 10178 Berlin, Germany · VAT ID: DE298765432 ·/,
      registration: 'Registration: HRB 187654 B',
      'the evidence still there': 'Signed by: Maria García',
    };
    const client = await download(maria, `${path}/signed.pdf`);
    expect(missing(client.text, expected), client.text).to.deep.equal([]);
    const staff = await signedInStaffAgent(h, 'demo');
    const record = await download(staff, `/settings/client-portal/records/proposal/${northwind.id}/${id}/signed.pdf`);
    expect(missing(record.text, expected), record.text).to.deep.equal([]);
  });

  it('says the same in German', async function () {
    const { path } = await accepted(false);
    const { text } = await download(maria, `${path}/signed.pdf`, 'de');
    const expected = {
      ...SELLER,
      'VAT id': 'USt-IdNr.: DE298765432',
      'evidence heading': 'Angenommen und unterschrieben',
      'page number': 'Seite 1 von 1',
    };
    expect(missing(text, expected), text).to.deep.equal([]);
  });

  it('shows the signature, the name and the date on the ordinary PDF once accepted', async function () {
    sequence += 1;
    const id = await sentProposal(h.crm.db, northwind, {
      number: `ACC-${sequence}`,
      title: 'Open still',
      body: 'Not yet decided.',
      currency: 'EUR',
      items: [{ description: 'Design', quantity: 1, unitPriceCents: 100_000 }],
    });
    const open = await download(maria, `/portal/demo/proposals/${id}.pdf`);
    expect(open.text).to.not.include('Signed by');
    expect(images(open.pdf), 'no signature on an open offer').to.equal(0);

    const { path, id: signedId } = await accepted(true);
    const { pdf, text } = await download(maria, `${path}.pdf`);
    const decidedAt: Date = (await h.crm.db('portal_offer_decisions').where({ offer_id: signedId }).first('decided_at')).decided_at;
    expect(text).to.include('Accepted and signed');
    expect(text).to.include('Signed by: Maria García');
    expect(text).to.include(`${decidedAt.getUTCFullYear()}`);
    expect(text).to.match(/Date: [A-Z][a-z]{2} \d{1,2}, \d{4}/);
    expect(text).to.include('Version: The record still matches the accepted version.');
    expect(images(pdf), 'the drawn signature').to.equal(1);
    // The page's preview of the document and the preview page say the same.
    for (const href of [path, `${path}/preview`]) {
      const html = (await maria.get(href).expect(200)).text;
      const sheet = html.slice(html.indexOf('doc-sheet__evidence'));
      expect(sheet, href).to.include('<p>Signed by: Maria García</p>').and.include('The record still matches the accepted version.');
    }
    const openPage = (await maria.get(`/portal/demo/proposals/${id}`).expect(200)).text;
    expect(openPage).to.not.include('doc-sheet__evidence');
  });

  it('says so in German, and that an offer edited since no longer is the version signed', async function () {
    const { path, id } = await accepted(false);
    await h.crm.db('proposals').where({ id }).update({ body: 'Design, build and a year of hosting.' });
    const { pdf, text } = await download(maria, `${path}.pdf`, 'de');
    expect(text).to.include('Angenommen und unterschrieben');
    expect(text).to.include('Unterschrieben von: Maria García');
    expect(text).to.include('Fassung: Nach der Annahme am');
    expect(text).to.include('Der Datensatz entspricht nicht mehr der angenommenen Fassung.');
    // The agency offers; it does not invoice here.
    expect(text).to.include('ANBIETER');
    expect(text).not.to.include('RECHNUNGSSTELLER');
    expect(images(pdf), 'no drawing: only the typed name').to.equal(0);
  });
});
