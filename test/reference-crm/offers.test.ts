// Covers the proposal and quotation staff pages: list, detail with formatted line items and
// totals, create with line items (validation 400, CSRF 403) and 404 across workspaces.
import { expect } from 'chai';
import { DEMO_ADMIN, idOf, signIn, startCrm, textOf, type CrmTestContext, type SignedIn } from './support.ts';

describe('reference CRM proposals and quotations', function () {
  let crm: CrmTestContext;
  let demo: SignedIn;

  before(async function () {
    crm = await startCrm();
    demo = await signIn(crm.app, DEMO_ADMIN);
  });

  after(async function () {
    await crm?.close();
  });

  for (const kind of ['proposals', 'quotations'] as const) {
    describe(kind, function () {
      it("lists the workspace's records with totals", async function () {
        const text = textOf((await demo.agent.get(`/${kind}`).expect(200)).text);
        if (kind === 'proposals') {
          expect(text).to.include('Website redesign');
          expect(text).to.include('$24,700.00');
          expect(text).to.not.include('Trade show booth graphics');
        } else {
          expect(text).to.include('Packaging refresh');
          expect(text).to.include('€3,000.00');
          expect(text).to.not.include('Fleet livery design');
        }
      });

      it('shows one with its line items', async function () {
        const title = kind === 'proposals' ? 'Website redesign' : 'Product photography (40 products)';
        const id = await idOf(crm.db, kind, { title }, 'demo');
        const text = textOf((await demo.agent.get(`/${kind}/${id}`).expect(200)).text);
        if (kind === 'proposals') {
          expect(text).to.include('Design system and page templates');
          expect(text).to.include('$9,800.00');
          expect(text).to.include('Total $24,700.00');
        } else {
          expect(text).to.include('Retouching per product 40 $35.00 $1,400.00');
          expect(text).to.include('Total $5,000.00');
        }
      });

      it('creates one from a few rows of line items, skipping empty rows', async function () {
        const clientId = await idOf(crm.db, 'clients', { name: 'Summit Outdoor Co.' }, 'demo');
        const res = await demo.agent
          .post(`/${kind}`)
          .type('form')
          .send(
            `_csrf=${encodeURIComponent(demo.csrf)}&clientId=${clientId}&title=Spring+refresh&body=Scope&currency=EUR&validUntil=2026-12-31&status=sent` +
              '&items[0][description]=Design&items[0][quantity]=1.5&items[0][unitPrice]=1%2C200.10' +
              '&items[1][description]=&items[1][quantity]=&items[1][unitPrice]=' +
              '&items[2][description]=Copywriting&items[2][quantity]=&items[2][unitPrice]=300',
          )
          .expect(303);
        const page = textOf((await demo.agent.get(res.headers.location!).expect(200)).text);
        expect(page).to.include('Spring refresh');
        expect(page).to.include('Design 1.5 €1,200.10 €1,800.15');
        expect(page).to.include('Copywriting 1 €300.00 €300.00');
        expect(page).to.include('Total €2,100.15');
        expect(page).to.match(kind === 'proposals' ? /PRO-\d{4}/ : /QUO-\d{4}/);
      });

      it('explains invalid input with line numbers (400)', async function () {
        const res = await demo.agent
          .post(`/${kind}`)
          .type('form')
          .send(
            `_csrf=${encodeURIComponent(demo.csrf)}&clientId=&title=&currency=XYZ&status=sent&validUntil=2026-02-30` +
              '&items[0][description]=&items[0][quantity]=&items[0][unitPrice]=&items[1][description]=Thing&items[1][quantity]=-2&items[1][unitPrice]=abc',
          )
          .expect(400);
        const text = textOf(res.text);
        expect(text).to.include('Choose the client this is for.');
        expect(text).to.include('Enter a title.');
        expect(text).to.include('Choose a currency: USD, EUR or GBP.');
        expect(text).to.include('Enter the valid until date as a real date');
        expect(text).to.include('Line 2: enter the quantity as a number');
        expect(text).to.include('Line 2: unit price must be a number, for example 1250.00.');
        expect(res.text).to.include('value="Thing"');
      });

      it('requires at least one line item (400)', async function () {
        const clientId = await idOf(crm.db, 'clients', { name: 'Summit Outdoor Co.' }, 'demo');
        const res = await demo.agent
          .post(`/${kind}`)
          .type('form')
          .send({ _csrf: demo.csrf, clientId: String(clientId), title: 'Empty', currency: 'USD', status: 'draft' })
          .expect(400);
        expect(textOf(res.text)).to.include('Add at least one line item with a description and a unit price.');
      });

      it('refuses to create without the CSRF token (403)', async function () {
        await demo.agent.post(`/${kind}`).type('form').send({ title: 'x' }).expect(403);
      });

      it("answers 404 for another workspace's record and for a client of another workspace", async function () {
        const title = kind === 'proposals' ? 'Brand identity' : 'Fleet livery design';
        const acmeId = await idOf(crm.db, kind, { title }, 'acme');
        await demo.agent.get(`/${kind}/${acmeId}`).expect(404);

        const acmeClient = await idOf(crm.db, 'clients', { name: 'Riverside Yoga' }, 'acme');
        const res = await demo.agent
          .post(`/${kind}`)
          .type('form')
          .send(
            `_csrf=${encodeURIComponent(demo.csrf)}&clientId=${acmeClient}&title=Cross&currency=USD&status=draft&items[0][description]=A&items[0][unitPrice]=1`,
          )
          .expect(400);
        expect(textOf(res.text)).to.include('Choose the client this is for.');
      });
    });
  }
});
