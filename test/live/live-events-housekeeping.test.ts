// The live-event log's housekeeping: one statement over every workspace, which says so where
// Citus routes it (its first words, shard-routing.ts), and removes only what is older than asked.
// knex leaves a builder's comment off a delete, so this reads the statement as it was sent.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { createKnex } from '../../src/core/db/connect.ts';
import { deleteLiveEventsBefore, insertLiveEvent } from '../../src/core/live/queries.ts';
import { migratePortal } from '../../src/migrations/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { saysItSpansWorkspaces } from '../support/shard-routing.ts';

describe('live events: housekeeping', function () {
  let database: TestDatabase;
  let db: Knex;

  before(async function () {
    database = await createTestDatabase();
    db = createKnex(database.url);
    await migratePortal(db);
  });

  after(async function () {
    await db?.destroy();
    await database?.drop();
  });

  it('removes the events older than the cutoff in every workspace, in a statement marked as spanning them', async function () {
    for (const workspaceId of ['1', '2']) {
      const old = await insertLiveEvent(db, { workspaceId, clientId: '7', type: 'message', data: {} });
      await db('portal_live_events').where({ workspace_id: workspaceId, seq: old }).update({ created_at: '2026-01-01T00:00:00Z' });
      await insertLiveEvent(db, { workspaceId, clientId: '7', type: 'message', data: {} });
    }
    const sent: string[] = [];
    const listen = (query: { sql: string }) => sent.push(query.sql);
    db.on('query', listen);
    const removed = await deleteLiveEventsBefore(db, new Date('2026-06-01T00:00:00Z')).finally(() => db.off('query', listen));

    expect(removed).to.equal(2);
    const left = await db('portal_live_events').orderBy('workspace_id').select('workspace_id');
    expect(left.map((row) => String(row.workspace_id))).to.deep.equal(['1', '2']);
    expect(sent).to.have.length(1);
    expect(saysItSpansWorkspaces(sent[0]!), sent[0]).to.equal(true);
  });
});
