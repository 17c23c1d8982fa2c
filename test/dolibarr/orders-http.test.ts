// Covers the orders section served on a real Dolibarr database, over HTTP as a client uses it: the
// list of the company's orders past draft, an order's page with its shipment and the carrier's
// tracking link and a line's discount, the PDF Dolibarr generated for it (the portal's, with the
// discount, where it made none), "order again" (a draft in llx_commande, the portal's log entry,
// both in one transaction) and another company's order as a 404.
import { expect } from 'chai';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { hashPassword } from '../../src/core/crypto/secrets.ts';
import { binary, flatText as flat, pdfText } from '../support/pdf-text.ts';
import { csrfFrom, signedInAgent } from '../support/portal-harness.ts';
import type { PortalOnHost } from '../support/portal-on-host.ts';
import { insertClaireLogin, servePortalBeside, startDolibarrHost, unavailable, type DolibarrHost } from './dolibarr-host.ts';
import { insertCarrier, insertOrder, insertShipment } from './orders-setup.ts';

const reason = unavailable();
const PASSWORD = 'Claire-portal-2026';

describe('dolibarr host: a client follows an order and orders it again over HTTP', function () {
  this.timeout(180_000);
  let host: DolibarrHost;
  let running: PortalOnHost;
  let claire: ReturnType<typeof request.agent>;
  let base: string;
  let order: number;
  let unprinted: number;
  let garageOrder: number;

  before(async function () {
    // Skipped only where no real host database can be made (no psql or DATABASE_URL): `reason`
    // says which, and the file prints it as a test of its own; CI's PostgreSQL pass runs it.
    if (reason) this.skip();
    host = await startDolibarrHost();
    const { db, seed } = host;
    running = await servePortalBeside(host);
    base = `/portal/${seed.workspaceSlug}`;
    await insertClaireLogin(db, seed, await hashPassword(PASSWORD));
    const line = { label: 'Shop sign, lit', qty: 1, subprice: 1450, tva: 20 };
    const made = await insertOrder(db, seed, {
      ref: 'CO2603-0007',
      fk_soc: seed.companies.bakery,
      fk_statut: 3,
      day: '2026-03-02',
      lines: [line],
      extra: { date_cloture: '2026-03-20 10:00:00', last_main_doc: 'commande/CO2603-0007/CO2603-0007.pdf' },
    });
    order = made.id;
    // A line with a 10 % discount, as Commande::addline writes it: total_ht already net of it.
    await db('llx_commandedet').insert({
      fk_commande: order,
      description: 'Layout work',
      tva_tx: 5.5,
      qty: 1,
      subprice: 240,
      remise_percent: 10,
      total_ht: 216,
      total_tva: 11.88,
      total_ttc: 227.88,
      product_type: 1,
      rang: 2,
    });
    const dhl = await insertCarrier(db, 'DHL', 'DHL', 'https://www.dhl.com/track?AWB={TRACKID}');
    await insertShipment(db, seed, {
      ref: 'SH2603-0004',
      fk_soc: seed.companies.bakery,
      orderId: order,
      fk_statut: 2,
      carrier: dhl,
      tracking: 'JD0146',
      sent: '2026-03-15',
      delivered: '2026-03-18',
      lines: [{ lineId: made.lineIds[0]!, qty: 1 }],
    });
    mkdirSync(path.join(host.dataRoot, 'commande', 'CO2603-0007'), { recursive: true });
    writeFileSync(path.join(host.dataRoot, 'commande', 'CO2603-0007', 'CO2603-0007.pdf'), '%PDF-1.4 the order as Dolibarr printed it');
    // An order Dolibarr printed no PDF for, with a discounted line: the portal draws its own.
    unprinted = (
      await insertOrder(db, seed, {
        ref: 'CO2603-0009',
        fk_soc: seed.companies.bakery,
        fk_statut: 1,
        day: '2026-03-04',
        lines: [{ label: 'Layout work', qty: 1, subprice: 240, tva: 5.5 }],
      })
    ).id;
    await db('llx_commandedet')
      .where({ fk_commande: unprinted })
      .update({ remise_percent: 10, total_ht: 216, total_tva: 11.88, total_ttc: 227.88 });
    garageOrder = (
      await insertOrder(db, seed, { ref: 'CO2603-0008', fk_soc: seed.companies.garage, fk_statut: 1, day: '2026-03-03', lines: [line] })
    ).id;
    await db('workspace_client_portal_settings').insert({ workspace_id: '1', show_orders: true }).onConflict('workspace_id').merge();
    claire = await signedInAgent(request.agent(running.url), seed.workspaceSlug, { email: 'claire@martin.example', password: PASSWORD });
  });
  after(async function () {
    await running?.close();
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  it('lists the order, shows its delivery with the tracking link and serves the PDF Dolibarr made', async function () {
    const list = await claire.get(`${base}/orders`).expect(200);
    expect(list.text).to.include('CO2603-0007').and.include('Delivered').and.not.include('CO2603-0008');
    const page = await claire.get(`${base}/orders/${order}`).expect(200);
    expect(page.text).to.include('Shop sign, lit').and.include('SH2603-0004').and.include('by DHL');
    expect(page.text).to.include('href="https://www.dhl.com/track?AWB=JD0146"');
    // The discount the order card shows in its "Disc." column, beside the line it explains.
    expect(page.text).to.include('<th scope="col" class="num">Discount</th>');
    expect(page.text).to.match(/Layout work<\/td>(?:(?!<\/tr>)[\s\S])*>10 %<\/td>(?:(?!<\/tr>)[\s\S])*€216\.00/);
    // The delivery's state in words, not the translation key a wrong key path prints.
    expect(page.text).to.not.include('shipment.state.').and.not.include('shipments.state.');
    const pdf = await claire.get(`${base}/orders/${order}/pdf`).buffer(true).expect(200);
    expect(pdf.headers['content-type']).to.contain('application/pdf');
    expect(String(pdf.body)).to.equal('%PDF-1.4 the order as Dolibarr printed it');
  });

  it("prints a line's discount on the portal's PDF of an order Dolibarr printed none for", async function () {
    const pdf = await claire.get(`${base}/orders/${unprinted}/pdf`).buffer(true).parse(binary).expect(200);
    expect(pdf.headers['content-type']).to.contain('application/pdf');
    const text = flat(await pdfText(pdf.body as Buffer));
    expect(text).to.match(/Unit price Disc\. Tax Total/);
    expect(text).to.match(/Layout work 1 €240\.00 10 % 5\.5 % €216\.00/);
  });

  it('orders again: a draft in Dolibarr and the log entry, then the page names the draft', async function () {
    const page = await claire.get(`${base}/orders/${order}`).expect(200);
    await claire
      .post(`${base}/orders/${order}/again`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
      .expect(303)
      .expect('Location', `${base}/orders/${order}?asked=1#reorders`);
    const drafts = await host.db('llx_commande').where({ fk_soc: host.seed.companies.bakery, fk_statut: 0 }).whereLike('ref', '(PROV%');
    expect(drafts).to.have.length(1);
    expect(drafts[0].note_private).to.contain('claire@martin.example').and.contain('CO2603-0007');
    const logged = await host.db('client_activity_logs').where({ workspace_id: '1', event: 'order.reordered' });
    expect(logged).to.have.length(1);
    const after = await claire.get(`${base}/orders/${order}?asked=1`).expect(200);
    expect(after.text).to.include(`Draft ${drafts[0].ref}`);
  });

  it("answers 404 for another company's order, its PDF and order again", async function () {
    const page = await claire.get(`${base}/orders`).expect(200);
    await claire.get(`${base}/orders/${garageOrder}`).expect(404);
    await claire.get(`${base}/orders/${garageOrder}/pdf`).expect(404);
    await claire
      .post(`${base}/orders/${garageOrder}/again`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
      .expect(404);
  });
});
