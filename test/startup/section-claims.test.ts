// Covers the claims of the newer sections (orders, contracts and their use, devices, the company's
// details, service requests, appointments, the knowledge base) on the Dolibarr and Alga PSA bindings. The start-up
// check refuses an adapter with one of those ports and no claim of its concept, so the claims the
// real-schema tests hold against the schema (test/dolibarr/migrations.test.ts,
// test/alga-psa/migrations.test.ts: "claims only what the real schema has") are the ones each
// section relies on. And each of the sections' query modules is read for the columns it names
// through a table alias ('o.ref', "from client_locations l ... l.city") or a table ('llx_societe.nom'):
// every one must be claimed on that table. A cheap reading of the source, not a SQL parser: a
// column named without its table (an insert's object, `.where({ tenant })` on a bare table) is not
// seen, and an alias used for two tables passes when either claims the column.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Knex } from 'knex';
import { ALGA_PSA_APPROVAL_CLAIMS, ALGA_PSA_CLAIMS, ALGA_PSA_DOCUMENT_CLAIMS } from '../../plugins/alga-psa/claims.ts';
import {
  DOLIBARR_APPOINTMENT_CLAIMS,
  DOLIBARR_APPROVAL_CLAIMS,
  DOLIBARR_CLAIMS,
  DOLIBARR_DEVICE_CLAIMS,
  DOLIBARR_KNOWLEDGE_CLAIMS,
  DOLIBARR_REQUEST_CLAIMS,
  DOLIBARR_TICKET_CLAIMS,
} from '../../plugins/dolibarr/claims.ts';
import { findClaimProblems } from '../../src/portal.ts';
import type { HostAdapter, HostClaim } from '../../src/core/ports/host.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// Words that follow a table in SQL and are never its alias.
const SQL_WORDS = new Set(
  'where on left right inner outer full cross natural join order group limit offset lateral using set and or as select union for returning values having window'.split(
    ' ',
  ),
);

/** The source without its comments, so prose ("from the order") is not read as SQL. */
function code(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

/** The text of the string literals, where SQL and knex's column names are: never a JavaScript value (`t.enabled`). */
function sqlText(source: string): string {
  return [...source.matchAll(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g)].map((m) => m[0]).join('\n');
}

/**
 * Alias → the tables it stands for: knex's 'table as alias', raw SQL's "from table alias" / "join
 * table as alias", and a helper given a table and its alias after its connection
 * (visibility.ts's `clientCompanyRows(db, 'llx_propal', 'p', scope)`).
 */
function aliases(source: string): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  const add = (table: string, alias: string) => {
    if (SQL_WORDS.has(alias.toLowerCase())) return;
    found.set(alias, (found.get(alias) ?? new Set()).add(table));
  };
  for (const m of source.matchAll(/['"`]([a-z_][a-z0-9_]*) as ([a-z_][a-z0-9_]*)['"`]/g)) add(m[1]!, m[2]!);
  for (const m of source.matchAll(/\b(?:from|join)\s+([a-z_][a-z0-9_]*)\s+(?:as\s+)?([a-z_][a-z0-9_]*)\b/gi)) add(m[1]!, m[2]!);
  for (const m of source.matchAll(/\w+\(\s*(?:db|trx)\s*,\s*'([a-z_][a-z0-9_]*)'\s*,\s*'([a-z_][a-z0-9_]*)'/g)) add(m[1]!, m[2]!);
  return found;
}

function claimedColumns(claims: readonly HostClaim[]): Map<string, Set<string>> {
  const claimed = new Map<string, Set<string>>();
  for (const claim of claims) {
    const columns = claimed.get(claim.table) ?? new Set<string>();
    for (const column of [...claim.columns, ...Object.keys(claim.where ?? {})]) columns.add(column);
    claimed.set(claim.table, columns);
  }
  return claimed;
}

/**
 * The table-qualified columns the modules name that no claim covers ("file: alias.column (table)"),
 * and how many were checked. Aliases a module takes from a helper of the binding (visibility.ts's
 * ordersSeenBy aliases llx_commande as o) are looked up in the helpers.
 */
function unclaimedColumns(
  modules: Record<string, string>,
  helpers: readonly string[],
  claims: readonly HostClaim[],
): { unclaimed: string[]; checked: number } {
  const claimed = claimedColumns(claims);
  const shared = new Map<string, Set<string>>();
  for (const source of helpers) for (const [alias, tables] of aliases(code(source))) shared.set(alias, tables);
  const unclaimed = new Set<string>();
  let checked = 0;
  for (const [file, raw] of Object.entries(modules)) {
    const source = code(raw);
    const own = aliases(source);
    for (const m of sqlText(source).matchAll(/\b([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)\b/g)) {
      const [, alias, column] = m as unknown as [string, string, string];
      const tables = claimed.has(alias) ? new Set([alias]) : (own.get(alias) ?? shared.get(alias));
      // Not a host table: a derived table, the portal's own, or a JavaScript value.
      if (!tables || ![...tables].some((table) => claimed.has(table) || !table.startsWith('portal_'))) continue;
      checked++;
      if ([...tables].some((table) => claimed.get(table)?.has(column))) continue;
      unclaimed.add(`${file}: ${alias}.${column} (${[...tables].join(' or ')})`);
    }
  }
  return { unclaimed: [...unclaimed], checked };
}

const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const modules = (dir: string, files: string[]) => Object.fromEntries(files.map((file) => [file, read(`${dir}/${file}`)]));

describe('host claims of the newer sections', function () {
  describe("every column the sections' query modules name is claimed", function () {
    it("Dolibarr: orders, shipments, contracts and interventions, devices, the company page, knowledge, bookings, approvals' files", function () {
      const dir = 'plugins/dolibarr/queries';
      const { unclaimed, checked } = unclaimedColumns(
        modules(dir, [
          'orders.ts',
          'contracts.ts',
          'devices.ts',
          'visibility.ts',
          'company-details.ts',
          'knowledge-base.ts',
          'appointments.ts',
          'requests.ts',
          'approval-files.ts',
        ]),
        [read(`${dir}/visibility.ts`)],
        [
          ...DOLIBARR_CLAIMS,
          ...DOLIBARR_TICKET_CLAIMS,
          ...DOLIBARR_REQUEST_CLAIMS,
          ...DOLIBARR_KNOWLEDGE_CLAIMS,
          ...DOLIBARR_APPOINTMENT_CLAIMS,
          ...DOLIBARR_DEVICE_CLAIMS,
          ...DOLIBARR_APPROVAL_CLAIMS,
        ],
      );
      expect(unclaimed).to.deep.equal([]);
      expect(checked).to.be.greaterThan(120);
    });

    it("Alga PSA: contracts and their use, assets, the company page, knowledge, requests, appointments, surveys, approvals' files, what comes next", function () {
      const dir = 'plugins/alga-psa/queries';
      const { unclaimed, checked } = unclaimedColumns(
        modules(dir, [
          'contracts.ts',
          'assets.ts',
          'company-details.ts',
          'knowledge-base.ts',
          'service-requests.ts',
          'appointments.ts',
          'surveys.ts',
          'approval-files.ts',
          'upcoming-invoices.ts',
        ]),
        [read(`${dir}/db.ts`)],
        [...ALGA_PSA_CLAIMS, ...ALGA_PSA_DOCUMENT_CLAIMS, ...ALGA_PSA_APPROVAL_CLAIMS],
      );
      expect(unclaimed).to.deep.equal([]);
      expect(checked).to.be.greaterThan(150);
    });

    it('names a column a module reads that no claim covers, through a knex alias and a raw one', function () {
      const source = `
        db('llx_commande as o').select('o.ref', 'o.portal_note');
        db.raw('select l.city, l.fax from client_locations l where l.tenant = ?');`;
      const claims: HostClaim[] = [
        { concept: 'salesOrder', table: 'llx_commande', columns: ['ref'] },
        { concept: 'company', table: 'client_locations', columns: ['city', 'tenant'] },
      ];
      expect(unclaimedColumns({ 'x.ts': source }, [], claims).unclaimed).to.deep.equal([
        'x.ts: o.portal_note (llx_commande)',
        'x.ts: l.fax (client_locations)',
      ]);
    });
  });

  describe('the start-up check', function () {
    // The catalog answers nothing: only the port and claim rules speak.
    const emptyCatalog = { raw: async () => ({ rows: [] }) } as unknown as Knex;
    const adapterWith = (ports: Partial<HostAdapter>, claims: HostClaim[]) => ({ name: 'test-crm', claims, ...ports }) as HostAdapter;

    it('refuses an orders, contracts or devices port without the claim of its concept', async function () {
      const problems = await findClaimProblems(
        emptyCatalog,
        adapterWith(
          { orders: {} as HostAdapter['orders'], contracts: {} as HostAdapter['contracts'], devices: {} as HostAdapter['devices'] },
          [],
        ),
      );
      // A line each, in the order of the features that bring the ports (src/features/manifests.ts), not pinned here.
      expect(problems).to.have.members([
        'the adapter has the orders port but no salesOrder claim saying where the host keeps it',
        'the adapter has the contracts port but no contract claim saying where the host keeps it',
        'the adapter has the devices port but no asset claim saying where the host keeps it',
      ]);
    });

    it('refuses approvalFiles without a document claim: the host keeps the versions among the client’s documents', async function () {
      const files = { approvalFiles: {} as HostAdapter['approvalFiles'] };
      expect(await findClaimProblems(emptyCatalog, adapterWith(files, []))).to.deep.equal([
        'the adapter has the approvalFiles port but no document claim saying where the host keeps the files',
      ]);
      const claimed = adapterWith(files, [{ concept: 'document', table: 'llx_ecm_files', columns: [] }]);
      expect(await findClaimProblems(emptyCatalog, claimed)).to.deep.equal(['document: table public.llx_ecm_files does not exist']);
    });

    it('refuses a comments port without the comment claim, and the claim without the port', async function () {
      // Without the port the portal keeps its own comments: a claim would say the host keeps them.
      expect(await findClaimProblems(emptyCatalog, adapterWith({ comments: {} as HostAdapter['comments'] }, []))).to.deep.equal([
        'the adapter has the comments port but no comment claim saying where the host keeps comments',
      ]);
      const claimedOnly = adapterWith({}, [{ concept: 'comment', table: 'host_comments', columns: [] }]);
      expect(await findClaimProblems(emptyCatalog, claimedOnly)).to.deep.equal([
        'the adapter claims comment but has no comments port',
        'comment: table public.host_comments does not exist',
      ]);
    });

    it("names a section's claimed table or column the schema lacks", async function () {
      const catalog = {
        raw: async () => ({ rows: [{ table_schema: 'public', table_name: 'llx_expedition', column_name: 'rowid' }] }),
      } as unknown as Knex;
      const problems = await findClaimProblems(
        catalog,
        adapterWith({ orders: {} as HostAdapter['orders'] }, [
          { concept: 'salesOrder', table: 'llx_commande', columns: ['rowid'] },
          { concept: 'shipment', table: 'llx_expedition', columns: ['rowid', 'tracking_number'] },
        ]),
      );
      expect(problems).to.deep.equal([
        'salesOrder: table public.llx_commande does not exist',
        'shipment: public.llx_expedition.tracking_number does not exist',
      ]);
    });
  });
});
