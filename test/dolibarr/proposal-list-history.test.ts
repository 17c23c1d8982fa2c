// Covers the proposal list beside Dolibarr for a company with years of proposals, read through the
// portal's own order of the list (plugins/dolibarr/queries/proposals.ts): llx_propal is indexed by
// company but not by company and date, so without it every page read and sorted every proposal the
// company ever had. On the real schema, with thousands of past proposals on one company (days
// shared by several, some undated, every status, drafts among them) and proposals of another
// company and of another entity beside them:
//  - paging through the list, whole or under each status filter, gives Dolibarr's own order
//    (coalesce(datep, first day) desc, rowid desc) each proposal once, before the first scan (read
//    in llx_propal) and after it (read through the order);
//  - what Dolibarr's own pages do after the scan shows at once with its live values: a proposal
//    created, one whose status, totals or date changed (sorted by its old date until the next
//    scan, which sorts it by the new one), one deleted or moved to another company;
//  - a search (a ref or customer reference containing the text, any case) pages the same way, in
//    the same order, before the first scan and after it;
//  - a page, the first or a later one by keyset, reads about a page of llx_propal rows and of the
//    order's rows, counted by PostgreSQL itself (pg_stat_xact_user_tables, rows fetched by
//    sequential and index scans in the transaction), not the company's history.
import { expect } from 'chai';
import { containsPattern } from '../../src/index.ts';
import { listProposals, scanPendingProposals, type ProposalRow } from '../../plugins/dolibarr/queries/proposals.ts';
import { startDolibarrHost, unavailable, type DolibarrHost } from './dolibarr-host.ts';
import { rowsReadPerTable } from '../support/rows-read.ts';

const reason = unavailable();
const HISTORY = 3_000;
const UNDATED = 5;
const PAGE = 40;
/** The status sets the list's filters ask for (commercial.ts): all, open, accepted (signed, billed), declined, withdrawn. */
const FILTERS: Array<number[] | undefined> = [undefined, [1], [2, 4], [3], [-1]];
/** A search more than a page of the history matches (PR-HIST-12, -120…-129, -1200…-1299), typed in another case. */
const SEARCH = 'hist-12';

describe('dolibarr host: the proposal list of a company with years of proposals', function () {
  this.timeout(180_000);
  let host: DolibarrHost;
  const bakery = () => host.seed.companies.bakery;
  const garage = () => host.seed.companies.garage;
  const scan = () => scanPendingProposals(host.db, 1);

  /** Dolibarr's own order of the company's proposals past draft, read in llx_propal. */
  const dolibarrOrder = async (statuses?: number[], search?: string) => {
    const query = host
      .db('llx_propal')
      .where({ entity: 1, fk_soc: bakery() })
      .whereNot('fk_statut', 0)
      .orderByRaw("coalesce(datep, date '0001-01-01') desc, rowid desc");
    if (statuses) query.whereIn('fk_statut', statuses);
    if (search) query.andWhereRaw("position(lower(?) in lower(ref || ' ' || coalesce(ref_client, ''))) > 0", [search]);
    return query.pluck('rowid');
  };

  /** Every page of the list, by keyset from each page's last row, as the port pages it. */
  async function pageThrough(statuses?: number[], limit = PAGE, search?: string): Promise<ProposalRow[]> {
    const seen: ProposalRow[] = [];
    let before: { date: string; rowid: number } | null = null;
    const matching = search ? { matching: containsPattern(search) } : {};
    for (;;) {
      const rows = await listProposals(host.db, {
        entity: 1,
        companyId: bakery(),
        limit,
        before,
        ...(statuses ? { statuses } : {}),
        ...matching,
      });
      const page = rows.slice(0, limit);
      seen.push(...page);
      if (rows.length <= limit) return seen;
      const last = page.at(-1)!;
      before = { date: last.date_key, rowid: last.rowid };
    }
  }
  const ids = (rows: ProposalRow[]) => rows.map((row) => row.rowid);

  /** Propal::create then valid(), for a company, on a day. */
  async function newProposal(fk_soc: number, ref: string, datep: string | null, fk_statut = 1): Promise<number> {
    const [row] = await host
      .db('llx_propal')
      .insert({ ref, entity: 1, fk_soc, datec: host.db.raw('localtimestamp'), datep, fk_statut, total_ht: 10, total_tva: 2, total_ttc: 12 })
      .returning<Array<{ rowid: number }>>('rowid');
    return row!.rowid;
  }

  before(async function () {
    // Needs Dolibarr's real schema on a PostgreSQL server (DATABASE_URL and ../shared/crm-schemas).
    if (reason) this.skip();
    host = await startDolibarrHost({ portalTables: true });
    const { db } = host;
    // About eight proposals a day over a year: ties on datep everywhere. Every status, decided ones
    // most (-1 cancelled, 2 signed, 3 not signed, 4 billed), a few still pending (0 draft, 1 validated).
    await db.raw(
      `insert into llx_propal (ref, entity, fk_soc, datec, datep, fk_statut, total_ht, total_tva, total_ttc)
       select 'PR-HIST-' || g, 1, ?, localtimestamp, date '2018-01-01' + (g * 7919 % 365),
              case when g % 200 = 0 then 0 when g % 200 = 1 then 1 when g % 10 = 2 then -1
                   when g % 10 between 3 and 6 then 2 when g % 10 in (7, 8) then 3 else 4 end,
              100, 20, 120
         from generate_series(1, ?) g`,
      [bakery(), HISTORY],
    );
    await db.raw(
      `insert into llx_propal (ref, entity, fk_soc, datec, datep, fk_statut, total_ht, total_tva, total_ttc)
       select 'PR-IMPORT-' || g, 1, ?, localtimestamp, null, 2 + g % 3, 50, 10, 60 from generate_series(1, ?) g`,
      [bakery(), UNDATED],
    );
    // Another company of the entity, and another entity's proposals naming the bakery's rowid: never the bakery's.
    await db.raw(
      `insert into llx_propal (ref, entity, fk_soc, datec, datep, fk_statut, total_ht, total_tva, total_ttc)
       select 'PR-OTHER-' || g, 1, ?, localtimestamp, date '2018-06-01' + g, 2, 1, 0, 1 from generate_series(1, 50) g`,
      [garage()],
    );
    await db.raw(
      `insert into llx_propal (ref, entity, fk_soc, datec, datep, fk_statut, total_ht, total_tva, total_ttc)
       select 'PR-ENTITY2-' || g, 2, ?, localtimestamp, date '2030-01-01' + g, 2, 1, 0, 1 from generate_series(1, 50) g`,
      [bakery()],
    );
    await db.raw('vacuum analyze llx_propal');
  });
  after(async function () {
    await host?.close();
  });

  if (reason) it(`is skipped: ${reason}`, () => {});

  it("pages in Dolibarr's own order before the first scan, read in llx_propal", async function () {
    expect(await host.db('portal_dolibarr_proposal_order_scans')).to.deep.equal([]);
    for (const statuses of FILTERS) expect(ids(await pageThrough(statuses)), String(statuses)).to.deep.equal(await dolibarrOrder(statuses));
    const found = await dolibarrOrder(undefined, SEARCH);
    expect(found.length, 'the search matches more than a page').to.be.above(PAGE);
    for (const statuses of FILTERS) {
      expect(ids(await pageThrough(statuses, PAGE, SEARCH)), `${SEARCH} ${statuses}`).to.deep.equal(await dolibarrOrder(statuses, SEARCH));
    }
  });

  it("pages in Dolibarr's own order through the portal's order once scanned, ties and undated ones included, each once", async function () {
    await scan();
    await scanPendingProposals(host.db, 2);
    const scanned = await host.db('portal_dolibarr_proposal_order').where({ entity: 1, fk_soc: bakery() }).count<{ n: string }[]>('* as n');
    // Every proposal of the bakery in entity 1, drafts too: the seed's four and the history.
    expect(Number(scanned[0]!.n)).to.equal(4 + HISTORY + UNDATED);
    for (const statuses of FILTERS) {
      const expected = await dolibarrOrder(statuses);
      expect(expected.length, String(statuses)).to.be.above(statuses?.[0] === 1 ? 10 : PAGE);
      expect(ids(await pageThrough(statuses)), String(statuses)).to.deep.equal(expected);
    }
    for (const statuses of FILTERS) {
      expect(ids(await pageThrough(statuses, PAGE, SEARCH)), `${SEARCH} ${statuses}`).to.deep.equal(await dolibarrOrder(statuses, SEARCH));
    }
    expect(ids(await pageThrough(undefined, PAGE, 'HIST_1')), 'an underscore is itself').to.deep.equal([]);
    // Pages of one row walk across every tie one by one.
    expect(ids(await pageThrough([3], 1))).to.deep.equal(await dolibarrOrder([3]));
    const all = await pageThrough();
    expect(all.slice(-UNDATED).map((row) => row.date_key)).to.deep.equal(Array(UNDATED).fill('0001-01-01'));
    expect(new Set(all.map((row) => row.fk_soc))).to.deep.equal(new Set([bakery()]));
  });

  it(`reads about a page of rows for the first page and a later one, not the company's ${HISTORY.toLocaleString('en')} proposals`, async function () {
    const { db } = host;
    // The order's statistics are left as the fill left them (none yet, unless autovacuum came by):
    // a page walks the index either way.
    const middle = (await dolibarrOrder())[Math.floor(HISTORY / 2)]!;
    const middleKey = await db('llx_propal').where({ rowid: middle }).first(db.raw("to_char(datep, 'YYYY-MM-DD') as date"));
    const pages = [
      { limit: 20 },
      { limit: 20, before: { date: middleKey.date as string, rowid: middle } },
      { limit: 20, statuses: [3] },
      { limit: 20, statuses: [2, 4], before: { date: middleKey.date as string, rowid: middle } },
    ];
    for (const page of pages) {
      const {
        value,
        read: { llx_propal: propal, portal_dolibarr_proposal_order: order },
      } = await rowsReadPerTable(db, ['llx_propal', 'portal_dolibarr_proposal_order'], (trx) =>
        listProposals(trx, { entity: 1, companyId: bakery(), ...page }),
      );
      expect(value, JSON.stringify(page)).to.have.length(21);
      // A page of each walk, each row looked up once: one walk per status asked for, and the
      // company's proposals pending at the scan (a few), which may have been decided since.
      expect(propal, `llx_propal rows fetched, ${JSON.stringify(page)}`).to.be.below(200);
      expect(order, `order rows fetched, ${JSON.stringify(page)}`).to.be.below(200);
    }
    // The same measure sees a history read when there is one: before any scan, the first page
    // sorts the company's proposals in llx_propal.
    const saved = await db('portal_dolibarr_proposal_order_scans').where({ entity: 1 }).first();
    await db('portal_dolibarr_proposal_order_scans').where({ entity: 1 }).delete();
    const unscanned = await rowsReadPerTable(db, ['llx_propal'], (trx) =>
      listProposals(trx, { entity: 1, companyId: bakery(), limit: 20 }),
    );
    await db('portal_dolibarr_proposal_order_scans').insert(saved);
    expect(unscanned.read.llx_propal).to.be.at.least(HISTORY);
  });

  it('shows at once a proposal created in Dolibarr after the scan, in its place, and the next scan keeps it there', async function () {
    const today = await newProposal(bakery(), 'PR-NEW-1', '2019-01-01');
    const tied = await newProposal(bakery(), 'PR-NEW-2', '2018-03-03');
    const undated = await newProposal(bakery(), 'PR-NEW-3', null, 2);
    const drafted = await newProposal(bakery(), '(PROV-NEW-4)', '2018-05-05', 0);
    for (const statuses of FILTERS) expect(ids(await pageThrough(statuses)), String(statuses)).to.deep.equal(await dolibarrOrder(statuses));
    expect(ids(await pageThrough()))
      .to.include.members([today, tied, undated])
      .and.not.include(drafted);
    await scan();
    for (const statuses of FILTERS) expect(ids(await pageThrough(statuses)), String(statuses)).to.deep.equal(await dolibarrOrder(statuses));
  });

  it('shows a proposal changed in Dolibarr with its live values, sorted by its old date until the next scan', async function () {
    const { db } = host;
    const [moved, changed] = (await dolibarrOrder([2])).slice(100, 102) as [number, number];
    const oldOrder = await dolibarrOrder();
    // Its date moved years on, and another one's totals and status (signed → billed) changed.
    await db('llx_propal').where({ rowid: moved }).update({ datep: '2031-12-31', total_ttc: 999 });
    await db('llx_propal').where({ rowid: changed }).update({ fk_statut: 4, total_ttc: 777 });
    const before = await pageThrough();
    expect(ids(before), 'sorted by the date of the scan').to.deep.equal(oldOrder);
    const row = (id: number) => before.find((r) => r.rowid === id)!;
    expect(row(moved).total_ttc).to.equal('999.00000000');
    expect([row(changed).fk_statut, row(changed).total_ttc]).to.deep.equal([4, '777.00000000']);
    await scan();
    const after = await pageThrough();
    expect(ids(after)).to.deep.equal(await dolibarrOrder());
    expect(after[0]!.rowid).to.equal(moved);
    expect(after[0]!.date_key).to.equal('2031-12-31');
  });

  it('moves a decision to its filter at once for a proposal pending at the scan, and one decided otherwise from the next scan', async function () {
    const { db } = host;
    const [validated] = await dolibarrOrder([1]);
    const [declined] = await dolibarrOrder([3]);
    // Signed in Dolibarr's card since the scan: pending then, so read under every filter.
    await db('llx_propal').where({ rowid: validated }).update({ fk_statut: 2 });
    expect(ids(await pageThrough([2, 4]))).to.deep.equal(await dolibarrOrder([2, 4]));
    expect(ids(await pageThrough([1]))).to.not.include(validated);
    // Reopened and signed since the scan, after being refused before it: gone from "declined" at
    // once, under "accepted" from the next scan (it never shows under a filter it does not match).
    await db('llx_propal').where({ rowid: declined }).update({ fk_statut: 2 });
    expect(ids(await pageThrough([3]))).to.deep.equal(await dolibarrOrder([3]));
    expect(ids(await pageThrough([2, 4]))).to.not.include(declined);
    expect(ids(await pageThrough())).to.deep.equal(await dolibarrOrder());
    await scan();
    for (const statuses of FILTERS) expect(ids(await pageThrough(statuses)), String(statuses)).to.deep.equal(await dolibarrOrder(statuses));
  });

  it('drops at once a proposal deleted in Dolibarr or moved to another company, and never shows another entity’s', async function () {
    const { db } = host;
    const [deleted, moved] = (await dolibarrOrder()).slice(3, 5) as [number, number];
    // Propal::delete: its lines, then the proposal.
    await db('llx_propaldet').where({ fk_propal: deleted }).delete();
    await db('llx_propal').where({ rowid: deleted }).delete();
    await db('llx_propal').where({ rowid: moved }).update({ fk_soc: garage() });
    for (const statuses of FILTERS) expect(ids(await pageThrough(statuses)), String(statuses)).to.deep.equal(await dolibarrOrder(statuses));
    expect(ids(await pageThrough())).to.not.include.members([deleted, moved]);
    await scan();
    expect(
      await db('portal_dolibarr_proposal_order').where({ entity: 1 }).whereIn('fk_propal', [deleted, moved]).pluck('fk_soc'),
    ).to.deep.equal([garage()]);
    expect(ids(await pageThrough())).to.deep.equal(await dolibarrOrder());
    // Entity 2's proposals name the bakery's rowid too, and its order holds them: never listed in entity 1.
    const otherEntity = await db('llx_propal').where({ entity: 2 }).pluck('rowid');
    expect(await db('portal_dolibarr_proposal_order').where({ entity: 2, fk_soc: bakery() }).pluck('fk_propal')).to.have.members(
      otherEntity,
    );
    const shown = ids(await pageThrough());
    expect(shown.filter((id) => otherEntity.includes(id))).to.deep.equal([]);
  });
});
