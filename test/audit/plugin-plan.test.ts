// Covers the tables the report says the plugin will create: exactly what the portal migrations
// create (recorded in portal_owned_tables), both for a host without comments and for one whose
// adapter claims 'comment' (then client_comments is not made); and the report's plan: the reference
// CRM gets every table; on real Dolibarr (crm-schemas/dolibarr.sql) the host keeps its comments in
// llx_comment (no client_comments), with a note that the dolibarr binding does not claim them yet;
// on real Alga PSA (crm-schemas/alga-psa.sql), whose binding claims the client logins, the host
// keeps its logins (client_users holds no passwords). The real schemas skip, saying why, where they
// cannot be loaded.
import { expect } from 'chai';
import { createKnex } from '../../src/core/db/connect.ts';
import { migratePortal } from '../../src/migrations/index.ts';
import { PLUGIN_BOOKKEEPING_TABLES, PLUGIN_TABLES, RESERVED_PREFIXES, tablesCreatedFor } from '../../audit/plugin-plan.ts';
import { renderMarkdown } from '../../audit/render-markdown.ts';
import { runAudit } from '../../audit/run-audit.ts';
import type { AuditReport } from '../../audit/report-schema.ts';
import { createTestDatabase } from '../support/database.ts';
import { loadRealSchema, realSchemaSkipReason } from '../support/audit-real-schemas.ts';
import { createHostDatabase } from '../support/host-fixtures.ts';

/** Migrates the portal alone into a fresh database and returns what it recorded and every table there. */
async function migrateFresh(hostProvides: ReadonlySet<string>): Promise<{ recorded: string[]; all: string[] }> {
  const db = await createTestDatabase();
  const knex = createKnex(db.url, 1);
  try {
    await migratePortal(knex, { hostProvides });
    const recorded: Array<{ table_name: string }> = await knex('portal_owned_tables').select('table_name').orderBy('seq');
    const all: Array<{ tablename: string }> = await knex('pg_tables').where({ schemaname: 'public' }).select('tablename');
    return { recorded: recorded.map((r) => r.table_name), all: all.map((r) => r.tablename) };
  } finally {
    await knex.destroy();
    await db.drop();
  }
}

describe('audit: plugin plan', () => {
  for (const [label, hostProvides] of [
    ['a host without comments', new Set<string>()],
    ["a host whose adapter claims 'comment'", new Set(['comment'])],
  ] as const) {
    it(`lists exactly the tables the portal migrations create for ${label}`, async () => {
      const { recorded, all } = await migrateFresh(hostProvides);
      expect(recorded).to.have.members(tablesCreatedFor(hostProvides));
      expect(recorded.includes('client_comments')).to.equal(!hostProvides.has('comment'));
      expect(all).to.include.members([...PLUGIN_BOOKKEEPING_TABLES]);
      // Everything the portal creates falls under a reserved prefix or a listed name.
      for (const name of all) {
        const listed = PLUGIN_TABLES.some((t) => t.name === name) || PLUGIN_BOOKKEEPING_TABLES.includes(name);
        expect(listed || RESERVED_PREFIXES.some((p) => name.startsWith(p)), name).to.equal(true);
      }
    });
  }

  describe('in the report', () => {
    const plan = (report: AuditReport, name: string) => report.pluginPlan.tables.find((t) => t.name === name);

    describe('on the reference CRM', () => {
      let reference: AuditReport;

      before(async () => {
        const db = await createHostDatabase('reference-crm');
        try {
          reference = await runAudit({ databaseUrl: db.url, adapter: 'reference-crm' });
        } finally {
          await db.drop();
        }
      });

      it('creates client_comments and password-keeping client_users for the reference CRM', () => {
        expect(plan(reference, 'client_comments')).to.include({ state: 'will_create', hostTable: null });
        expect(plan(reference, 'client_users')).to.include({ state: 'will_create', hostTable: null, note: null });
        expect(plan(reference, 'client_users')?.purpose).to.match(/argon2id password hash/);
        const text = renderMarkdown(reference);
        expect(text).to.match(/\| `client_comments` \| comments on proposals, quotations, invoices and requests \| will be created \|/);
        expect(text).to.not.include('stores **no passwords**');
      });
    });

    /** The audit of one real CRM schema with its binding named, or a skip saying why it cannot run here. */
    function auditOfRealSchema(file: string, adapter: string): () => AuditReport {
      let report: AuditReport;
      before(async function () {
        this.timeout(300_000);
        const reason = realSchemaSkipReason(file);
        if (reason) {
          console.log(`      skipped: ${reason}`);
          this.skip();
        }
        const db = await loadRealSchema(file);
        try {
          report = await runAudit({ databaseUrl: db.url, adapter });
        } finally {
          await db.drop();
        }
      });
      return () => report;
    }

    describe('on a real Dolibarr database, with the dolibarr binding', () => {
      const dolibarr = auditOfRealSchema('dolibarr.sql', 'dolibarr');

      it('skips client_comments where the host keeps comments, naming the host table', () => {
        expect(plan(dolibarr(), 'client_comments')).to.include({ state: 'host_keeps', hostTable: 'public.llx_comment' });
        const text = renderMarkdown(dolibarr());
        expect(text).to.not.match(/\| `client_comments` \|/);
        expect(text).to.include('- `client_comments` is **not created**: the host keeps comments in `public.llx_comment`');
      });

      it('says what an adapter that does not claim the host comments would still create', () => {
        expect(plan(dolibarr(), 'client_comments')?.note).to.equal(
          'the adapter dolibarr does not claim comment, so as it stands its migrations would still create client_comments: add the proposed comment claim',
        );
      });
    });

    describe('on a real Alga PSA database, with the alga-psa binding', () => {
      const alga = auditOfRealSchema('alga-psa.sql', 'alga-psa');

      it('keeps no passwords in client_users where the host keeps client logins', () => {
        const users = plan(alga(), 'client_users');
        expect(users).to.include({ state: 'will_create', hostTable: 'public.users', note: null });
        expect(users?.purpose).to.match(/no password/);
        expect(renderMarkdown(alga())).to.include(
          '- The host keeps client logins in `public.users`: the portal stores **no passwords**. ' +
            '`client_users` keeps only the link to the host contact, its status and sign-in time; passwords are checked and changed through the adapter (ClientCredentialsPort).\n',
        );
      });
    });
  });
});
