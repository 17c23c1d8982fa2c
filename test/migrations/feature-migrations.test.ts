// Core's migrations and the features' own (src/features/<name>/migrations/, declared in each
// manifest) run as one list in name order, under the names they always had: a database migrated
// before the features kept their migrations beside their code runs none again. The fixture is the
// list migrations/index.ts named, in its order, when every migration was still in migrations/;
// migrations written since come after it.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import type { Knex } from 'knex';
import { migratePortal, PORTAL_MIGRATIONS_TABLE, portalMigrations, portalMigrationSource } from '../../src/migrations/index.ts';
import { createKnex } from '../../src/core/db/connect.ts';
import { listMigrationSource } from '../../src/core/db/migration-source.ts';
import { FEATURE_MANIFESTS } from '../../src/features/manifests.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const NAMES_BEFORE: string[] = JSON.parse(readFileSync(new URL('./names-before-feature-folders.json', import.meta.url), 'utf8'));
const NOTHING_FROM_HOST = { hostProvides: new Set<string>() };

describe('migrations: core and features as one list', function () {
  it('lists the names the portal always ran, in the same order, and newer ones after them', async function () {
    expect(NAMES_BEFORE).to.have.length(25);
    const names: string[] = await portalMigrationSource(NOTHING_FROM_HOST).getMigrations([]);
    expect(names.slice(0, NAMES_BEFORE.length)).to.deep.equal(NAMES_BEFORE);
    for (const newer of names.slice(NAMES_BEFORE.length)) expect(newer > NAMES_BEFORE.at(-1)!, newer).to.equal(true);
  });

  it('takes some from the features (the reader is not blind)', function () {
    const fromFeatures = FEATURE_MANIFESTS.flatMap((feature) => Object.keys(feature.migrations ?? {}));
    expect(fromFeatures).to.include.members(['20261122000002_client_comments', '20261220000001_offer_reminders']);
    expect(fromFeatures.length).to.be.greaterThan(10);
  });

  it('refuses a name two of them use', function () {
    const [offers] = FEATURE_MANIFESTS.filter((feature) => feature.name === 'offers');
    const twin = { name: 'twin', migrations: { '20261220000001_offer_reminders': offers!.migrations!['20261220000001_offer_reminders']! } };
    expect(() => portalMigrations(NOTHING_FROM_HOST, [...FEATURE_MANIFESTS, twin])).to.throw(
      /20261220000001_offer_reminders is both offers's and twin's/,
    );
  });

  it("makes the comments' migration for what the host keeps", async function () {
    const withComments = portalMigrations({ hostProvides: new Set(['comment']) })['20261122000002_client_comments']!;
    const without = portalMigrations(NOTHING_FROM_HOST)['20261122000002_client_comments']!;
    expect(withComments).to.not.equal(without);
  });

  describe('on a database migrated under the names of before', function () {
    let database: TestDatabase;
    let db: Knex;

    before(async function () {
      database = await createTestDatabase();
      db = createKnex(database.url);
    });

    after(async function () {
      await db.destroy();
      await database.drop();
    });

    it('runs nothing again and finds no migration missing', async function () {
      // The migrator as it was: the fixture's names in the fixture's order, each by its name.
      const byName = portalMigrations(NOTHING_FROM_HOST);
      const before = listMigrationSource(Object.fromEntries(NAMES_BEFORE.map((name) => [name, byName[name]!])));
      await db.migrate.latest({ migrationSource: before, tableName: PORTAL_MIGRATIONS_TABLE });
      const rows = async () => db(PORTAL_MIGRATIONS_TABLE).orderBy('id').select('name', 'batch');
      const recorded = await rows();
      expect(recorded.map((row) => row.name)).to.deep.equal(NAMES_BEFORE);

      await migratePortal(db);

      // What ran before stays as it was; only migrations written since run, after it.
      const source = portalMigrationSource(NOTHING_FROM_HOST);
      const names: string[] = await source.getMigrations([]);
      const after = await rows();
      expect(after.slice(0, recorded.length)).to.deep.equal(recorded);
      expect(after.slice(recorded.length).map((row) => row.name)).to.deep.equal(names.slice(NAMES_BEFORE.length));
      const config = { migrationSource: source, tableName: PORTAL_MIGRATIONS_TABLE };
      const [completed, pending] = await db.migrate.list(config);
      expect(pending, 'pending').to.deep.equal([]);
      expect(completed.map((done: { name: string }) => done.name)).to.deep.equal(names);
      // knex throws on a recorded migration it cannot find ("the migration directory is corrupt").
      expect(await db.migrate.latest(config)).to.deep.equal([after.at(-1)!.batch, []]);
    });
  });
});
