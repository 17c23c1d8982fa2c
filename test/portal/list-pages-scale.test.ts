// A client's list pages read about a page of rows, however many records the client has: each list
// is read in its order from an index, not gathered whole and sorted for its first page. The
// signed-in client gets hundreds of invoices, proposals, quotations and tasks; each page's list
// statement is run again under EXPLAIN ANALYZE, which counts the rows it took from its table. The
// dashboard's summary of over a hundred open invoices reads their stored totals, not their lines.
// A search reads at most the client's rows, and an invoice number about its matches, through the
// trigram indexes (the reference CRM's 20270103000001 migration).
import { expect } from 'chai';
import { seedScaleData } from '../../bench/scale-data.ts';
import { analyzed, recordedDuring, rowsRead, tablesRead } from '../support/plans.ts';
import { signedInAgent, startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';

/** The longest page of a portal list, and one row more that tells whether another page follows. */
const PAGE_ROWS = 26;
/** What one page may read: drafts and other statuses skipped on the way included, but not the client's whole list. */
const MOST_ROWS_FOR_A_PAGE = 2 * PAGE_ROWS + 10;

const LISTS = [
  { path: '/portal/demo/invoices', table: 'invoices', statement: /from "invoices" as "i"/ },
  { path: '/portal/demo/proposals', table: 'proposals', statement: /from "proposals" as "o"/ },
  { path: '/portal/demo/quotations', table: 'quotations', statement: /from "quotations" as "o"/ },
  { path: '/portal/demo/tasks', table: 'tasks', statement: /from "tasks" as "x"/ },
  { path: '/portal/demo/documents', table: 'documents', statement: /from "documents" as "x"/ },
];

describe('client list pages on a client with many records', function () {
  this.timeout(180_000);
  let h: PortalHarness;
  let client: ReturnType<PortalHarness['agent']>;
  let clientId: number;

  before(async function () {
    h = await startPortalHarness();
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo')!;
    client = await signedInAgent(h.agent(), 'demo', login);
    clientId = Number(h.crm.staffLogins.clients.find((l) => l.workspaceSlug === 'demo' && l.email.toLowerCase() === login.email)!.clientId);
    // Spread over the workspace's companies, the signed-in one among them, in every status.
    await seedScaleData(h.crm.db, 'demo', {
      companies: 1,
      contactsPerCompany: 1,
      invoices: 2_000,
      offers: 4_000,
      tasks: 2_000,
      documents: 2_000,
      sessions: 10,
      activity: 10,
    });
  });
  after(async function () {
    await h?.close();
  });

  for (const list of LISTS) {
    it(`${list.path} reads a page of ${list.table}, not all of the client's`, async function () {
      const { count } = (await h.crm.db(list.table).where({ client_id: clientId }).count<{ count: string }[]>({ count: '*' }))[0]!;
      expect(Number(count), `the client's ${list.table}`).to.be.greaterThan(5 * MOST_ROWS_FOR_A_PAGE);
      const { result: page, recorded } = await recordedDuring(() => client.get(list.path).expect(200));
      expect(page.text, 'a link to the next page').to.match(/rel="next"|[?&]after=/);
      const statements = recorded.filter((q) => list.statement.test(q.sql) && /\border by\b/i.test(q.sql));
      expect(statements, `the list's statement among ${recorded.length}`).to.have.length(1);
      const read = rowsRead(await analyzed(h.crm.sessionPool, statements[0]!), list.table);
      expect(read, `rows read from ${list.table} for one page`).to.be.within(1, MOST_ROWS_FOR_A_PAGE);
    });
  }

  // Each text matches a dozen of the workspace's records (…-123 and …-1230 to …-1239), a few of them
  // the client's. A search never reads past the client's own rows; an invoice number, whose
  // trigrams are rare, is found through the trigram index, reading about the matches. Where the
  // text shares its trigrams with most of the client's rows ("Scale task …"), PostgreSQL rightly
  // keeps the client's own index and filters its rows.
  for (const list of LISTS) {
    const q = { invoices: 'si-123', proposals: 'SP-123', quotations: 'sq-123', tasks: 'task 123', documents: 'scale-123' }[list.table]!;
    it(`${list.path}?q=${q} reads the matching ${list.table} or the client's, never the workspace's`, async function () {
      const { result: page, recorded } = await recordedDuring(() => client.get(list.path).query({ q }).expect(200));
      expect(page.text).not.to.match(/rel="next"/);
      const statements = recorded.filter((s) => list.statement.test(s.sql) && /\border by\b/i.test(s.sql));
      expect(statements, `the list's statement among ${recorded.length}`).to.have.length(1);
      const read = rowsRead(await analyzed(h.crm.sessionPool, statements[0]!), list.table);
      const { count } = (await h.crm.db(list.table).where({ client_id: clientId }).count<{ count: string }[]>({ count: '*' }))[0]!;
      expect(read, `rows read from ${list.table} for the search`).to.be.at.most(
        list.table === 'invoices' ? MOST_ROWS_FOR_A_PAGE : Number(count),
      );
    });
  }

  it('the dashboard sums the open invoices from their stored totals, reading no line and no payment', async function () {
    const { count } = (
      await h.crm
        .db('invoices')
        .where({ client_id: clientId })
        .whereIn('status', ['sent', 'overdue'])
        .count<{ count: string }[]>({ count: '*' })
    )[0]!;
    expect(Number(count), "the client's open invoices").to.be.greaterThan(100);
    const { result: page, recorded } = await recordedDuring(() => client.get('/portal/demo').expect(200));
    expect(page.text, 'the outstanding balance').to.match(/[$€£]\s?[\d,]+\.\d\d/);
    const statements = recorded.filter((q) => /\bby_currency\b/.test(q.sql));
    expect(statements, `the summary's statement among ${recorded.length}`).to.have.length(1);
    const tables = tablesRead(await analyzed(h.crm.sessionPool, statements[0]!));
    expect([...tables], 'the open invoices').to.include('invoices');
    expect(
      [...tables].filter((table) => table === 'invoice_items' || table === 'payments'),
      'lines or payments read',
    ).to.deep.equal([]);
  });
});
