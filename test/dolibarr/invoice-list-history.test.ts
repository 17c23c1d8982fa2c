// Covers the invoice list beside Dolibarr for a company with years of invoices: a page reads about
// a page of llx_facture rows, not the company's whole history. llx_facture has an index on the
// invoice date (idx_facture_datef) but none by company and date, so the list reads the dated
// invoices in datef order down that index and the undated ones (imported rows) apart, then sorts
// the two short reads together. Rows fetched are counted by PostgreSQL itself
// (pg_stat_xact_user_tables, sequential and index scans in the transaction). Paging through the
// whole list gives every listed invoice once, in the order the single sorted read gives, undated
// last, across the boundary between the two reads. A search pages its matches the same way; one
// that few invoices match walks the company's history to find them (no index of Dolibarr's serves
// a contains-match, and the portal adds none to its tables: docs/scaling.md names the one that would).
import { expect } from 'chai';
import { containsPattern } from '../../src/index.ts';
import { LISTED_TYPES, listInvoices } from '../../plugins/dolibarr/queries/invoices.ts';
import { startDolibarrHost, unavailable, type DolibarrHost } from './dolibarr-host.ts';
import { rowsRead } from '../support/rows-read.ts';

const reason = unavailable();
const HISTORY = 5_000;
const UNDATED = 7;

describe('dolibarr host: the invoice list of a company with years of invoices', function () {
  this.timeout(180_000);
  let host: DolibarrHost;
  const bakery = () => host.seed.companies.bakery;

  before(async function () {
    // Needs Dolibarr's real schema on a PostgreSQL server (DATABASE_URL and ../shared/crm-schemas).
    if (reason) this.skip();
    host = await startDolibarrHost();
    await host.db.raw(
      `insert into llx_facture (ref, entity, fk_soc, datec, datef, date_lim_reglement, fk_statut, paye, type, total_ht, total_tva, total_ttc)
       select 'FA-HIST-' || g, 1, ?, now(), date '2016-01-01' + (g % 3650), date '2016-01-31' + (g % 3650),
              case when g % 4 = 0 then 3 else 2 end, case when g % 4 = 0 then 0 else 1 end, 0, 100, 20, 120
         from generate_series(1, ?) g`,
      [bakery(), HISTORY],
    );
    await host.db.raw(
      `insert into llx_facture (ref, entity, fk_soc, datec, datef, fk_statut, paye, type, total_ht, total_tva, total_ttc)
       select 'FA-IMPORT-' || g, 1, ?, now(), null, 2, 1, 0, 50, 10, 60 from generate_series(1, ?) g`,
      [bakery(), UNDATED],
    );
    await host.db.raw('vacuum analyze llx_facture');
  });
  after(async function () {
    await host?.close();
  });

  it('reads about a page of rows for the first page, however long the history', async function () {
    const { value, read } = await rowsRead(host.db, 'llx_facture', (trx) =>
      listInvoices(trx, { entity: 1, companyId: bakery(), limit: 20 }),
    );
    expect(value).to.have.length(21);
    expect(read, 'llx_facture rows fetched').to.be.below(200);
  });

  it('pages through every listed invoice once, newest first and undated last', async function () {
    const expected = await host
      .db('llx_facture')
      .where({ entity: 1, fk_soc: bakery() })
      .whereNot('fk_statut', 0)
      .whereIn('type', LISTED_TYPES)
      .orderByRaw("coalesce(datef, date '0001-01-01') desc, rowid desc")
      .pluck('rowid');
    const seen: number[] = [];
    let before: { date: string; rowid: number } | null = null;
    for (;;) {
      const rows = await listInvoices(host.db, { entity: 1, companyId: bakery(), limit: 100, before });
      const page = rows.slice(0, 100);
      seen.push(...page.map((row) => row.rowid));
      if (rows.length <= 100) break;
      const last = page.at(-1)!;
      before = { date: last.date_key, rowid: last.rowid };
    }
    expect(seen).to.have.length(expected.length);
    expect(seen).to.deep.equal(expected);
    expect(seen.slice(-UNDATED)).to.have.length(UNDATED);
  });

  it('pages through the invoices a search matches, in the same order, reading at most the history', async function () {
    const matching = containsPattern('hist-12');
    const expected = await host
      .db('llx_facture')
      .where({ entity: 1, fk_soc: bakery() })
      .whereNot('fk_statut', 0)
      .whereIn('type', LISTED_TYPES)
      .whereILike('ref', matching)
      .orderByRaw("coalesce(datef, date '0001-01-01') desc, rowid desc")
      .pluck('rowid');
    expect(expected.length, 'more than a page of matches').to.be.above(20);
    const seen: number[] = [];
    let before: { date: string; rowid: number } | null = null;
    for (;;) {
      const rows = await listInvoices(host.db, { entity: 1, companyId: bakery(), limit: 20, before, matching });
      const page = rows.slice(0, 20);
      seen.push(...page.map((row) => row.rowid));
      if (rows.length <= 20) break;
      const last = page.at(-1)!;
      before = { date: last.date_key, rowid: last.rowid };
    }
    expect(seen).to.deep.equal(expected);
    const rare = await rowsRead(host.db, 'llx_facture', (trx) =>
      listInvoices(trx, { entity: 1, companyId: bakery(), limit: 20, matching: containsPattern('FA-HIST-4321') }),
    );
    expect(rare.value.map((row) => row.ref)).to.deep.equal(['FA-HIST-4321']);
    expect(rare.read, 'llx_facture rows fetched for a rare match').to.be.at.most(HISTORY + UNDATED + 100);
  });
});
