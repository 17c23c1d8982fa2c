// The letterhead of the portal's PDFs from Dolibarr's own data: the agency from the entity's company
// settings (llx_const MAIN_INFO_SOCIETE_NOM, _ADDRESS, _ZIP, _TOWN, _COUNTRY, MAIN_INFO_TVAINTRA,
// MAIN_INFO_SIREN, MAIN_INFO_RCS; the entity's own row over entity 0's), the client from its third
// party (llx_societe address, zip, town, country, tva_intra), read in one statement: on the invoice,
// the proposal and the statement of account, as the client downloads them, in English and German.
import { expect } from 'chai';
import request from 'supertest';
import { hashPassword } from '../../src/core/crypto/secrets.ts';
import { binary, flatText as flat, pdfText } from '../support/pdf-text.ts';
import { signedInAgent } from '../support/portal-harness.ts';
import { sentByRequest } from '../support/query-counter.ts';
import type { PortalOnHost } from '../support/portal-on-host.ts';
import {
  insertClaireLogin,
  insertLetterhead,
  moveGarageToGermany,
  seededAdapter,
  servePortalBeside,
  startDolibarrHost,
  unavailable,
  type DolibarrHost,
} from './dolibarr-host.ts';

const reason = unavailable();
const PASSWORD = 'Claire-portal-2026';

describe('dolibarr host: the letterhead of the PDFs', function () {
  this.timeout(180_000);
  let host: DolibarrHost;
  let running: PortalOnHost;
  let claire: ReturnType<typeof request.agent>;
  let base: string;

  before(async function () {
    // No real Dolibarr database here (no DATABASE_URL, or no schema file): `reason` says which, and
    // the PostgreSQL CI pass, which has both, runs it.
    if (reason) this.skip();
    host = await startDolibarrHost();
    const { db, seed } = host;
    await insertLetterhead(host);
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

  // The page number stands at the right of the foot's first line, so the text read in reading order
  // puts it inside legal details that wrap onto a second line: it is left out of what is compared.
  const text = async (href: string, lang = 'en') =>
    flat(
      await pdfText((await claire.get(href).set('Accept-Language', lang).buffer(true).parse(binary).expect(200)).body as Buffer),
    ).replace(/ ?(Page \d+ of \d+|Seite \d+ von \d+)/g, '');

  const LETTERHEAD = {
    'seller name': 'Atelier Lumière',
    'seller street': '12 rue des Lilas',
    'seller second line': 'Bâtiment B',
    'seller city': '69002 Lyon',
    'buyer street': '8 place du Marché',
    'buyer city': '69003 Lyon',
    // The agency and the client are both in France: as on Dolibarr's own PDFs, no country is named.
    'legal details at the foot': /Atelier Lumière · 12 rue des Lilas, Bâtiment B, 69002 Lyon · VAT ID: FR12345678901 ·/,
    registration: 'Registration: 123 456 789, RCS Lyon B 123 456 789',
    'buyer VAT number': 'Tax ID: FR98765432109',
  };
  const missing = (pdf: string, phrases: Record<string, string | RegExp>) =>
    Object.entries(phrases)
      .filter(([, phrase]) => (typeof phrase === 'string' ? !pdf.includes(phrase) : !phrase.test(pdf)))
      .map(([field]) => field);

  it("heads the invoice, the proposal and the statement with the agency's settings and the client's card", async function () {
    const { seed } = host;
    for (const href of [
      `${base}/invoices/${seed.invoices.unpaid}.pdf`,
      `${base}/proposals/${seed.proposals.accept}.pdf`,
      `${base}/invoices/statement.pdf`,
      // A calendar year's statement, headed by its period, as the invoice list offers it.
      `${base}/invoices/statement.pdf?period=year:${new Date().getFullYear()}`,
    ]) {
      const pdf = await text(href);
      if (href.includes('period='))
        expect(pdf, href).to.include(`Period Jan 1, ${new Date().getFullYear()} – Dec 31, ${new Date().getFullYear()}`);
      expect(missing(pdf, LETTERHEAD), `${href}: ${pdf}`).to.deep.equal([]);
      expect(pdf, 'entity 0’s street gives way to the entity’s own').to.not.include('1 rue Ancienne');
    }
  });

  it('says the same in German', async function () {
    const pdf = await text(`${base}/invoices/statement.pdf`, 'de');
    for (const phrase of ['USt-IdNr.: FR12345678901', 'Registereintrag: 123 456 789, RCS Lyon B 123 456 789', '8 place du Marché'])
      expect(pdf, phrase).to.include(phrase);
  });

  it('reads the letterhead in one statement, and none for a company that is not a client', async function () {
    const { seed, db } = host;
    const adapter = seededAdapter(host);
    const statements: string[] = [];
    // The portal served beside the host shares its pool: what its timers send meanwhile is not counted.
    const count = (query: { sql: string }) => sentByRequest() && statements.push(query.sql);
    db.on('query', count);
    try {
      const parties = await adapter.clients.letterhead!(String(seed.entity), String(seed.companies.bakery));
      expect(statements).to.have.length(1);
      // Both in France: pdf_build_address names the country on neither address.
      expect(parties?.seller?.addressLines).to.deep.equal(['12 rue des Lilas', 'Bâtiment B', '69002 Lyon']);
      expect(parties?.buyer).to.deep.equal({ addressLines: ['8 place du Marché', '69003 Lyon'], taxId: 'FR98765432109' });
    } finally {
      db.off('query', count);
    }
    // A client in another country: both addresses end with their country.
    await moveGarageToGermany(host);
    const abroad = await adapter.clients.letterhead!(String(seed.entity), String(seed.companies.garage));
    expect(abroad?.seller?.addressLines).to.deep.equal(['12 rue des Lilas', 'Bâtiment B', '69002 Lyon', 'France']);
    expect(abroad?.buyer?.addressLines).to.deep.equal(['Hauptstraße 5', '10115 Berlin', 'Germany']);
    expect(await adapter.clients.letterhead!(String(seed.entity), String(seed.companies.supplier))).to.equal(null);
    expect(await adapter.clients.letterhead!(String(seed.entity), String(seed.companies.closed))).to.equal(null);
  });
});
