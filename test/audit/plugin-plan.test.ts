// Covers the list of tables the report says the plugin will create: it must be exactly what the
// portal migrations create (recorded in portal_owned_tables), so the report never promises or
// omits a table.
import { expect } from 'chai';
import { createKnex } from '../../src/db/connect.ts';
import { migratePortal } from '../../migrations/index.ts';
import { PLUGIN_BOOKKEEPING_TABLES, PLUGIN_TABLES, RESERVED_PREFIXES } from '../../audit/plugin-plan.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

describe('audit: plugin plan', () => {
  let db: TestDatabase;

  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => db?.drop());

  it('lists exactly the tables the portal migrations create', async () => {
    const knex = createKnex(db.url, 1);
    try {
      await migratePortal(knex);
      const recorded: Array<{ table_name: string }> = await knex('portal_owned_tables').select('table_name').orderBy('seq');
      expect(recorded.map((r) => r.table_name)).to.have.members(PLUGIN_TABLES.map((t) => t.name));
      const all: Array<{ tablename: string }> = await knex('pg_tables').where({ schemaname: 'public' }).select('tablename');
      const names = all.map((r) => r.tablename);
      expect(names).to.include.members([...PLUGIN_BOOKKEEPING_TABLES]);
      // Everything the portal creates falls under a reserved prefix or a listed name.
      for (const name of names) {
        const listed = PLUGIN_TABLES.some((t) => t.name === name) || PLUGIN_BOOKKEEPING_TABLES.includes(name);
        expect(listed || RESERVED_PREFIXES.some((p) => name.startsWith(p)), name).to.equal(true);
      }
    } finally {
      await knex.destroy();
    }
  });
});
