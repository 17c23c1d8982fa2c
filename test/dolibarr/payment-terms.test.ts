// An invoice's payment terms worded as Dolibarr's own invoice PDF words them (pdf_sponge's
// PaymentCondition<code> from its language files, before the dictionary's text): a standard term
// (30D, whose llx_c_payment_term.libelle_facture is "Due in 30 days") reads "30 days" in English
// and Dolibarr's German and French on the client's invoice page and PDF; a term the agency added
// to the dictionary, which Dolibarr's files do not translate, keeps its dictionary wording in
// every language.
import { expect } from 'chai';
import request from 'supertest';
import { hashPassword } from '../../src/core/crypto/secrets.ts';
import { binary, flatText as flat, pdfText } from '../support/pdf-text.ts';
import { signedInAgent } from '../support/portal-harness.ts';
import type { PortalOnHost } from '../support/portal-on-host.ts';
import { insertClaireLogin, seededAdapter, servePortalBeside, startDolibarrHost, unavailable, type DolibarrHost } from './dolibarr-host.ts';

const reason = unavailable();
const PASSWORD = 'Claire-portal-2026';
const AGENCY_TERM = 'Net 20 days, 2% off within 8 days';

describe('dolibarr host: payment terms as Dolibarr words them', function () {
  this.timeout(180_000);
  let host: DolibarrHost;
  let running: PortalOnHost;
  let claire: ReturnType<typeof request.agent>;
  let base: string;

  before(async function () {
    // No real Dolibarr database here (no DATABASE_URL, or no schema file): `reason` says which.
    if (reason) this.skip();
    host = await startDolibarrHost();
    const { db, seed } = host;
    // The standard term as llx_c_payment_term.sql installs it, and one the agency added in
    // Setup > Dictionaries > Payment terms, with a code Dolibarr's language files do not know.
    await db('llx_c_payment_term').insert([
      { rowid: 2, code: '30D', sortorder: 5, active: 1, libelle: '30 days', libelle_facture: 'Due in 30 days', type_cdr: 0, nbjour: 30 },
      { rowid: 100, code: 'NET20SK2', sortorder: 100, active: 1, libelle: 'Net 20', libelle_facture: AGENCY_TERM, type_cdr: 0, nbjour: 20 },
    ]);
    await db('llx_facture').where({ rowid: seed.invoices.paid }).update({ fk_cond_reglement: 2 });
    await db('llx_facture').where({ rowid: seed.invoices.unpaid }).update({ fk_cond_reglement: 100 });
    running = await servePortalBeside(host);
    base = `/portal/${seed.workspaceSlug}`;
    await insertClaireLogin(db, seed, await hashPassword(PASSWORD));
    claire = await signedInAgent(request.agent(running.url), seed.workspaceSlug, { email: 'claire@martin.example', password: PASSWORD });
  });
  after(async function () {
    await running?.close();
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  const page = async (href: string, lang: string) => (await claire.get(href).set('Accept-Language', lang).expect(200)).text;
  const pdf = async (href: string, lang: string) =>
    flat(await pdfText((await claire.get(href).set('Accept-Language', lang).buffer(true).parse(binary).expect(200)).body as Buffer));

  // PaymentCondition30D in htdocs/langs/{en_US,de_DE,fr_FR}/bills.lang.
  for (const [lang, wording] of [
    ['en', '30 days'],
    ['de', '30 Tage netto'],
    ['fr', 'Règlement à 30 jours'],
  ] as const)
    it(`prints term 30D as Dolibarr's PDF does in ${lang}: "${wording}", not the dictionary's text`, async function () {
      const href = `${base}/invoices/${host.seed.invoices.paid}`;
      for (const text of [await page(href, lang), await pdf(`${href}.pdf`, lang)]) {
        expect(text).to.include(wording);
        expect(text).to.not.include('Due in 30 days');
      }
    });

  it('keeps the dictionary wording of a term the agency added, in every language', async function () {
    const href = `${base}/invoices/${host.seed.invoices.unpaid}`;
    for (const lang of ['en', 'de', 'fr']) {
      expect(await page(href, lang), lang).to.include(AGENCY_TERM);
      expect(await pdf(`${href}.pdf`, lang), lang).to.include(AGENCY_TERM);
    }
  });

  it("gives the port Dolibarr's wordings beside the dictionary's, and none for a code it does not translate", async function () {
    const { seed } = host;
    const adapter = seededAdapter(host);
    const standard = await adapter.invoices!.find(String(seed.entity), String(seed.companies.bakery), String(seed.invoices.paid));
    expect(standard?.paymentTerms).to.equal('Due in 30 days');
    expect(standard?.paymentTermsByLocale).to.deep.equal({ en: '30 days', de: '30 Tage netto', fr: 'Règlement à 30 jours' });
    const own = await adapter.invoices!.find(String(seed.entity), String(seed.companies.bakery), String(seed.invoices.unpaid));
    expect(own?.paymentTerms).to.equal(AGENCY_TERM);
    expect(own?.paymentTermsByLocale).to.equal(null);
  });
});
