// Staff notification emails with two app instances on one database: each instance has its own
// connection pool and dispatcher; both dispatch at once, and every immediate event reaches each
// admin once, and the digest once. On real PostgreSQL the two race for the cursor (FOR UPDATE
// SKIP LOCKED); the embedded database serves one backend session, so there they run one after the
// other and the second finds the cursor moved.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { createKnex, insertActivity, type MailMessage } from '../../../core/index.ts';
import { createReferenceCrmAdapter } from '../../../../plugins/reference-crm/binding/adapter.ts';
import { migrateReferenceCrm } from '../../../../plugins/reference-crm/migrations/index.ts';
import { seedReferenceCrm } from '../../../../plugins/reference-crm/seed.ts';
import { migratePortal } from '../../../migrations/index.ts';
import { createNotifications } from '../service.ts';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database.ts';

describe('staff notification emails with two app instances', function () {
  this.timeout(60_000);
  let database: TestDatabase;
  let dbs: Knex[] = [];
  const sent: MailMessage[] = [];
  const quiet = { info() {}, error() {} };

  before(async function () {
    database = await createTestDatabase();
    const db = createKnex(database.url);
    await migrateReferenceCrm(db);
    await seedReferenceCrm(db);
    await migratePortal(db);
    dbs = [db, createKnex(database.url)];
  });
  after(async function () {
    for (const db of dbs) await db.destroy();
    await database?.drop();
  });

  it('sends each immediate email and the digest once', async function () {
    const workspace = (await dbs[0]!('workspaces').where({ slug: 'demo' }).first('id')) as { id: number };
    const workspaceId = String(workspace.id);
    for (let i = 0; i < 5; i += 1) {
      await insertActivity(dbs[0]!, {
        workspaceId,
        event: 'invoice.payment_recorded',
        clientId: null,
        details: { invoiceNumber: `INV-T${i}`, amountCents: 100 * (i + 1), currency: 'EUR' },
      });
      await insertActivity(dbs[0]!, { workspaceId, event: 'comment.added', clientId: null, details: { number: `PR-T${i}` } });
    }
    const later = () => new Date(Date.now() + 60_000);
    const instances = dbs.map((db) =>
      createNotifications({
        db,
        adapter: createReferenceCrmAdapter(db),
        mailer: { send: async (m) => void sent.push(m) },
        now: later,
        logger: quiet,
        listUrl: 'http://crm/notifications',
      }),
    );
    const admins = await createReferenceCrmAdapter(dbs[0]!).staff.listAdmins!(workspaceId);
    expect(admins).to.not.be.empty;

    const run = (n: (typeof instances)[number]) => n.dispatchImmediate().then(async (a) => a + (await n.dispatchDigest()));
    const counts = process.env.DATABASE_URL ? await Promise.all(instances.map(run)) : [await run(instances[0]!), await run(instances[1]!)];

    const immediate = sent.filter((m) => m.subject.startsWith('Payment received'));
    const digests = sent.filter((m) => m.subject.includes('new client actions'));
    expect(immediate).to.have.length(5 * admins.length);
    expect(new Set(immediate.map((m) => `${m.to}|${m.subject}`)).size).to.equal(immediate.length);
    expect(digests).to.have.length(admins.length);
    expect(digests[0]!.text).to.include('PR-T0').and.include('PR-T4');
    expect(counts.reduce((a, b) => a + b, 0)).to.equal(sent.length);

    // Within 15 minutes of the last digest, new comments wait for the next one.
    await insertActivity(dbs[0]!, { workspaceId, event: 'comment.added', clientId: null, details: { number: 'PR-T9' } });
    expect(await instances[1]!.dispatchDigest()).to.equal(0);
  });
});
