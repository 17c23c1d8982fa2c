// The event bus: in process (embedded database) and on PostgreSQL's LISTEN/NOTIFY, through the same
// interface. Delivery to every subscriber of a channel and to no other, unsubscribe, the NOTIFY size
// limit, a failing subscriber not stopping the others, and — on real PostgreSQL — recovery after the
// LISTEN connection is killed. Cross-instance delivery is in test/portal/two-instances.test.ts.
import { expect } from 'chai';
import type pg from 'pg';
import { createPgPool } from '../../src/core/db/connect.ts';
import { openEventBus } from '../../src/core/events/choose-event-bus.ts';
import type { EventBus } from '../../src/core/events/event-bus.ts';
import { createInProcessEventBus } from '../../src/core/events/in-process-event-bus.ts';
import { createPostgresEventBus, RECONNECTED_CHANNEL } from '../../src/core/events/postgres-event-bus.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const waitFor = async (what: string, check: () => boolean, ms = 5000) => {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

function busContract(name: string, open: () => Promise<EventBus>) {
  describe(name, function () {
    let bus: EventBus;
    beforeEach(async function () {
      bus = await open();
    });
    afterEach(async function () {
      await bus.close();
    });

    it('delivers a copy of the payload to each subscriber of the channel, and to no other channel', async function () {
      const got: object[] = [];
      const other: object[] = [];
      bus.subscribe('settings.changed', (p) => got.push(p));
      bus.subscribe('settings.changed', (p) => got.push(p));
      bus.subscribe('something.else', (p) => other.push(p));
      const payload = { workspaceId: '7' };
      await bus.publish('settings.changed', payload);
      await waitFor('delivery', () => got.length === 2);
      expect(got).to.deep.equal([{ workspaceId: '7' }, { workspaceId: '7' }]);
      expect(got[0]).to.not.equal(payload);
      expect(other).to.deep.equal([]);
    });

    it('stops delivering after unsubscribe, and a failing subscriber does not stop the others', async function () {
      const got: string[] = [];
      const off = bus.subscribe('c', () => got.push('removed'));
      bus.subscribe('c', () => {
        throw new Error('subscriber bug');
      });
      bus.subscribe('c', () => got.push('kept'));
      off();
      await bus.publish('c', {});
      await waitFor('delivery', () => got.length === 1);
      expect(got).to.deep.equal(['kept']);
    });

    it('refuses a payload NOTIFY could not carry', async function () {
      let error: unknown;
      await bus.publish('c', { big: 'x'.repeat(9000) }).catch((err: unknown) => (error = err));
      expect(error).to.be.instanceOf(RangeError);
    });
  });
}

describe('event bus', function () {
  let database: TestDatabase;
  let pool: pg.Pool;
  const onError = () => {};

  before(async function () {
    database = await createTestDatabase();
    pool = createPgPool(database.url);
  });
  after(async function () {
    await pool.end();
    await database.drop();
  });

  busContract('in process', async () => createInProcessEventBus({ onError }));
  busContract('chosen for the test database', () => openEventBus(pool, { onError }));

  it('is chosen from the database: in process on the embedded one, LISTEN/NOTIFY on PostgreSQL', async function () {
    const bus = await openEventBus(pool, { onError });
    try {
      expect('listening' in bus, 'a PostgreSQL bus').to.equal(database.mode === 'external');
    } finally {
      await bus.close();
    }
  });

  describe('on PostgreSQL', function () {
    before(function () {
      // PGlite delivers a NOTIFY only to the connection that sent it, so there is no second
      // connection to deliver to; the embedded database uses the in-process bus tested above.
      if (database.mode === 'embedded') this.skip();
    });

    it('listens again after its connection is killed, and delivers what is published after', async function () {
      const a = createPostgresEventBus({ pool, onError, backoffMs: { min: 20, max: 200 } });
      const b = createPostgresEventBus({ pool, onError, backoffMs: { min: 20, max: 200 } });
      try {
        await Promise.all([a.ready, b.ready]);
        const got: object[] = [];
        let reconnected = 0;
        b.subscribe('c', (p) => got.push(p));
        b.subscribe(RECONNECTED_CHANNEL, () => reconnected++);
        await a.publish('c', { n: 1 });
        await waitFor('first event', () => got.length === 1);

        await pool.query(
          "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'customer-portal-events' and datname = current_database()",
        );
        // Both listeners were killed; each reports its return on the reconnected channel.
        await waitFor('re-LISTEN', () => a.listening && b.listening && reconnected === 1);
        await a.publish('c', { n: 2 });
        await waitFor('event after reconnection', () => got.length === 2);
        expect(got).to.deep.equal([{ n: 1 }, { n: 2 }]);
      } finally {
        await a.close();
        await b.close();
      }
    });
  });
});
