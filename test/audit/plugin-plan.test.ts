// Covers the tables the report says the plugin will create: exactly what the portal migrations
// create (recorded in portal_owned_tables), both for a host without comments and for one whose
// adapter claims 'comment' (then client_comments is not made); and the report's plan on both
// fixtures: the reference CRM gets every table, the Dolibarr-like host keeps its comments (no
// client_comments) and its logins (client_users holds no passwords).
import { expect } from 'chai';
import { createKnex } from '../../src/db/connect.ts';
import { migratePortal } from '../../migrations/index.ts';
import { PLUGIN_BOOKKEEPING_TABLES, PLUGIN_TABLES, RESERVED_PREFIXES, tablesCreatedFor } from '../../audit/plugin-plan.ts';
import { renderMarkdown } from '../../audit/render-markdown.ts';
import { runAudit } from '../../audit/run-audit.ts';
import type { AuditReport } from '../../audit/report-schema.ts';
import { createTestDatabase } from '../support/database.ts';
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
    let reference: AuditReport;
    let second: AuditReport;

    before(async () => {
      for (const fixture of ['reference-crm', 'second-crm'] as const) {
        const db = await createHostDatabase(fixture);
        try {
          const report = await runAudit({ databaseUrl: db.url, adapter: fixture });
          if (fixture === 'reference-crm') reference = report;
          else second = report;
        } finally {
          await db.drop();
        }
      }
    });

    it('creates client_comments and password-keeping client_users for the reference CRM', () => {
      expect(plan(reference, 'client_comments')).to.include({ state: 'will_create', hostTable: null });
      expect(plan(reference, 'client_users')).to.include({ state: 'will_create', hostTable: null, note: null });
      expect(plan(reference, 'client_users')?.purpose).to.match(/argon2id password hash/);
      const text = renderMarkdown(reference);
      expect(text).to.match(/\| `client_comments` \| comments on proposals, quotations and invoices \| will be created \|/);
      expect(text).to.not.include('stores **no passwords**');
    });

    it('skips client_comments where the host keeps comments, naming the host table', () => {
      expect(plan(second, 'client_comments')).to.include({ state: 'host_keeps', hostTable: 'public.llx_comment', note: null });
      const text = renderMarkdown(second);
      expect(text).to.not.match(/\| `client_comments` \|/);
      expect(text).to.include('- `client_comments` is **not created**: the host keeps comments in `public.llx_comment`');
    });

    it('keeps no passwords in client_users where the host keeps client logins', () => {
      const users = plan(second, 'client_users');
      expect(users).to.include({ state: 'will_create', hostTable: 'public.llx_socpeople' });
      expect(users?.purpose).to.match(/no password/);
      expect(renderMarkdown(second)).to.include(
        '- The host keeps client logins in `public.llx_socpeople`: the portal stores **no passwords**. ' +
          '`client_users` keeps only the link to the host contact, its status and sign-in time; passwords are checked and changed through the adapter (ClientCredentialsPort).',
      );
    });

    it('says what an adapter that does not claim the host comments would still create', async () => {
      const db = await createHostDatabase('second-crm');
      try {
        const report = await runAudit({ databaseUrl: db.url, adapter: 'reference-crm' });
        expect(plan(report, 'client_comments')?.note).to.match(/does not claim comment, so as it stands its migrations would still create client_comments/);
      } finally {
        await db.drop();
      }
    });
  });
});
