// Forty acceptances of one quotation sent at once beside Invoice Ninja, through the portal served
// from bindings/invoiceninja.yaml as `npm run portal -- serve --binding` serves it: Invoice Ninja's
// quote is approved once and the portal logs one decision, every other answer is the "already
// answered" refusal (409), never a server error, and another company's contact reading its
// invoices meanwhile is answered. The file's accept statement runs in the portal's transaction
// after the record is locked (FOR UPDATE), so the database lines the burst up, not the process.
import { expect } from 'chai';
import { csrfFrom } from '../support/portal-harness.ts';
import { realSchemaUnavailable } from './real-schema.ts';
import { INVOICENINJA_LOGINS, INVOICENINJA_SLUG as SLUG, type ServedInvoiceNinja, serveInvoiceNinja } from './served-invoiceninja.ts';

const reason = realSchemaUnavailable({ sample: true });

describe('binding file: decisions sent at once on one quotation', function () {
  this.timeout(180_000);
  let served: ServedInvoiceNinja;
  let db: ServedInvoiceNinja['db'];

  before(async function () {
    // No PostgreSQL server (DATABASE_URL) or no Invoice Ninja sample here: the schema loads only with psql into a server.
    if (reason) this.skip();
    served = await serveInvoiceNinja();
    db = served.db;
  });
  after(async function () {
    await served?.close();
  });

  it('approves the quote once, refuses the other thirty-nine as answered, and keeps serving another company', async function () {
    const claire = await served.signedIn(INVOICENINJA_LOGINS.claire);
    const oscar = await served.signedIn(INVOICENINJA_LOGINS.oscar);
    const form = await claire.get(`/portal/${SLUG}/quotations/1/accept`).expect(200);
    const fingerprint = /name="fingerprint" value="([0-9a-f]{64})"/.exec(form.text)?.[1];
    let bursting = true;
    const burst = Promise.all(
      Array.from({ length: 40 }, () =>
        claire
          .post(`/portal/${SLUG}/quotations/1/accept`)
          .type('form')
          .send({ _csrf: csrfFrom(form.text), typedName: 'Claire Baker', consent: 'yes', fingerprint })
          .then((res) => ({ status: res.status, text: res.text })),
      ),
    ).finally(() => {
      bursting = false;
    });
    const otherCompany: number[] = [];
    const readInvoices = async () => {
      do otherCompany.push((await oscar.get(`/portal/${SLUG}/invoices`)).status);
      while (bursting);
    };
    const [answers] = await Promise.all([burst, readInvoices()]);

    const statuses = answers.map((a) => a.status);
    expect(
      statuses.filter((s) => s === 303),
      `statuses: ${statuses.join(' ')}`,
    ).to.have.length(1);
    expect(
      statuses.filter((s) => s !== 303 && s !== 409),
      `statuses: ${statuses.join(' ')}`,
    ).to.deep.equal([]);
    for (const refused of answers.filter((a) => a.status === 409))
      expect(refused.text).to.match(/already been answered|no longer be answered/);
    expect(Number(((await db('quotes').where({ id: 1 }).first('status_id')) as { status_id: string }).status_id)).to.equal(3);
    const logged = await db('portal_offer_decisions').where({ offer_id: '1' }).count('* as n').first();
    expect(Number(logged?.n)).to.equal(1);
    expect(otherCompany, 'the other company read its invoice list').to.not.be.empty;
    expect(otherCompany.filter((s) => s !== 200)).to.deep.equal([]);
  });
});
