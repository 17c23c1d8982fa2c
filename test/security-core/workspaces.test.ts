// The per-instance workspace cache (src/core/workspaces/workspace-cache.ts) on a real database with the
// reference CRM's host adapter: a hit reads nothing; a settings change announced on one instance
// empties the entry on every instance sharing the bus (and only that workspace's); the TTL and the
// bus's reconnect catch what no event announced; a load overtaken by an invalidation is not kept;
// unknown slugs are kept for the TTL like known ones (until any invalidation); failed loads are never kept; a peek (what live streams ask per event) never reads. Host reads are counted through the real adapter.
import { expect } from 'chai';
import { createInProcessEventBus } from '../../src/core/events/in-process-event-bus.ts';
import { RECONNECTED_CHANNEL, type EventBus } from '../../src/core/events/event-bus.ts';
import type { HostAdapter } from '../../src/core/ports/host.ts';
import { saveSettings } from '../../src/core/settings/queries.ts';
import {
  createWorkspaceCache,
  WORKSPACE_CACHE_TTL_MS,
  WORKSPACE_CHANGED,
  type WorkspaceCache,
} from '../../src/core/workspaces/workspace-cache.ts';
import { openReferenceCrmDatabase, type ReferenceCrmDatabase } from './reference-crm-database.ts';

describe('workspace cache (security core)', function () {
  this.timeout(120_000);
  let crm: ReferenceCrmDatabase;
  let bus: EventBus;
  let reads: { slug: string[]; id: string[] };
  let failNext = false;
  /** Each slug read takes the first of these, if any, and waits for it before answering (a slow host). */
  let holds: Array<Promise<void>> = [];
  /** A hold and the function that lets its read go on. */
  const hold = () => {
    let release = () => {};
    holds.push(
      new Promise<void>((resolve) => {
        release = resolve;
      }),
    );
    return release;
  };
  let time = 1_000_000;
  const clock = () => time;
  const opened: WorkspaceCache[] = [];
  let thirdSlug: string;

  /** The reference CRM's adapter, counting the workspace reads a cache makes. */
  function countingAdapter(): HostAdapter {
    const workspaces = crm.adapter.workspaces;
    return {
      ...crm.adapter,
      workspaces: {
        async findBySlug(slug) {
          reads.slug.push(slug);
          const held = holds.shift();
          if (held) await held;
          if (failNext) {
            failNext = false;
            throw new Error('host unavailable');
          }
          return workspaces.findBySlug(slug);
        },
        async findById(id) {
          reads.id.push(id);
          return workspaces.findById(id);
        },
      },
    };
  }

  function cache(options: { ttlMs?: number; maxEntries?: number; clock?: () => number; events?: EventBus } = {}): WorkspaceCache {
    const created = createWorkspaceCache({
      db: crm.db,
      adapter: countingAdapter(),
      events: options.events ?? bus,
      config: { portalPath: '/portal' },
      clock,
      ...options,
    });
    opened.push(created);
    return created;
  }

  before(async function () {
    crm = await openReferenceCrmDatabase('security-core-commerce');
    thirdSlug = 'cache-third';
    if (!(await crm.db('workspaces').where({ slug: thirdSlug }).first('id')))
      await crm.db('workspaces').insert({ slug: thirdSlug, name: 'Third Ltd' });
  });
  beforeEach(async function () {
    bus = createInProcessEventBus();
    reads = { slug: [], id: [] };
    failNext = false;
    holds = [];
    time = 1_000_000;
    await crm.db('workspace_client_portal_settings').where({ workspace_id: crm.workspaceId }).delete();
  });
  afterEach(async function () {
    for (const c of opened.splice(0)) c.close();
    await bus.close();
  });
  after(async function () {
    await crm?.db('workspace_client_portal_settings').where({ workspace_id: crm.workspaceId }).delete();
    await crm?.close();
  });

  it('loads a workspace with its settings and branding once, then answers from memory', async function () {
    const c = cache();
    const entry = (await c.get('demo'))!;
    expect(entry.workspace).to.include({ id: crm.workspaceId, slug: 'demo' });
    expect(entry.base).to.equal('/portal/demo');
    expect(entry.settings.showProposals).to.equal(true);
    expect(entry.branding.workspaceName).to.equal(entry.workspace.name);
    expect(entry.branding.logoUrl).to.equal(null);
    for (const part of [entry, entry.workspace, entry.settings, entry.branding]) expect(Object.isFrozen(part)).to.equal(true);
    expect(await c.get('demo')).to.equal(entry);
    expect(await c.byId(crm.workspaceId)).to.equal(entry);
    expect(reads).to.deep.equal({ slug: ['demo'], id: [] });
  });

  it('points the branding at an uploaded logo, versioned by its file id', async function () {
    await saveSettings(
      crm.db,
      crm.workspaceId,
      { logoFileId: 'abcdef01-2345-4789-8abc-def012345678', portalTitle: 'Demo portal' },
      'staff-1',
    );
    const entry = (await cache().get('demo'))!;
    expect(entry.branding.logoUrl).to.equal('/portal/demo/branding/logo?v=abcdef01');
    expect(entry.branding.title).to.equal('Demo portal');
  });

  it('keeps an unknown slug for the TTL like a known one (no timing tell), and finds a workspace created later after an invalidation or the TTL', async function () {
    const c = cache();
    expect(await c.get('no-such-workspace')).to.equal(null);
    expect(await c.get('no-such-workspace')).to.equal(null);
    expect(reads.slug).to.deep.equal(['no-such-workspace']);
    // Any invalidation forgets unknown slugs: the host names a new workspace with workspaceChanged.
    await c.changed('some-new-workspace-id');
    expect(await c.get('no-such-workspace')).to.equal(null);
    expect(reads.slug).to.deep.equal(['no-such-workspace', 'no-such-workspace']);
    time += WORKSPACE_CACHE_TTL_MS + 1;
    expect(await c.get('no-such-workspace')).to.equal(null);
    expect(reads.slug).to.have.length(3);
    expect(await c.byId('999999')).to.equal(null);
    expect(reads.id).to.deep.equal(['999999']);
  });

  it('peeks at a fresh entry without reading, and has nothing to show before a load, after a change or past the TTL', async function () {
    const c = cache();
    expect(c.peek('demo')).to.equal(null);
    expect(reads.slug).to.deep.equal([]);
    const entry = (await c.get('demo'))!;
    expect(c.peek('demo')).to.equal(entry);
    time += WORKSPACE_CACHE_TTL_MS + 1;
    expect(c.peek('demo')).to.equal(null);
    const again = (await c.get('demo'))!;
    expect(c.peek('demo')).to.equal(again);
    await c.changed(crm.workspaceId);
    expect(c.peek('demo')).to.equal(null);
    expect(reads.slug).to.deep.equal(['demo', 'demo']);
  });

  it('reads once for a burst of requests', async function () {
    const c = cache();
    const entries = await Promise.all([c.get('demo'), c.get('demo'), c.get('demo')]);
    expect(reads.slug).to.deep.equal(['demo']);
    expect(entries[1]).to.equal(entries[0]);
    expect(entries[2]).to.equal(entries[0]);
  });

  it('drops a changed workspace on every instance on the bus, and no other workspace', async function () {
    const first = cache();
    const second = cache();
    await first.get('demo');
    await second.get('demo');
    await first.get('acme');
    await second.get('acme');
    expect(reads.slug).to.have.length(4);
    await saveSettings(crm.db, crm.workspaceId, { portalTitle: 'Renamed' }, 'staff-1');
    await first.changed(crm.workspaceId);
    expect((await first.get('demo'))!.branding.title).to.equal('Renamed');
    expect((await second.get('demo'))!.branding.title).to.equal('Renamed');
    await first.get('acme');
    await second.get('acme');
    expect(reads.slug).to.deep.equal(['demo', 'demo', 'acme', 'acme', 'demo', 'demo']);
  });

  it('drops everything on an event that names no workspace, and when the bus reconnected', async function () {
    const c = cache();
    await c.get('demo');
    await c.get('acme');
    await bus.publish(WORKSPACE_CHANGED, {});
    await c.get('demo');
    await c.get('acme');
    expect(reads.slug).to.deep.equal(['demo', 'acme', 'demo', 'acme']);
    // An id that is no string names no workspace either: everything goes.
    await bus.publish(WORKSPACE_CHANGED, { workspaceId: 7 });
    await c.get('demo');
    await c.get('acme');
    expect(reads.slug).to.have.length(6);
    await bus.publish(RECONNECTED_CHANNEL, {});
    await c.get('acme');
    await c.get('demo');
    expect(reads.slug).to.have.length(8);
    expect(WORKSPACE_CHANGED).to.equal('portal.workspace.changed');
  });

  it('reloads after the TTL, by slug and by id, and not before', async function () {
    const c = cache({ ttlMs: 1000 });
    await c.get('demo');
    time += 999;
    await c.get('demo');
    await c.byId(crm.workspaceId);
    expect(reads.slug).to.have.length(1);
    expect(reads.id).to.have.length(0);
    // Still fresh at exactly the TTL, stale a millisecond past it.
    time += 1;
    await c.byId(crm.workspaceId);
    expect(reads.id).to.have.length(0);
    time += 1;
    await c.byId(crm.workspaceId);
    expect(reads.id).to.deep.equal([crm.workspaceId]);
    expect(reads.slug).to.deep.equal(['demo', 'demo']);
    time += 1001;
    await c.get('demo');
    expect(reads.slug).to.have.length(3);
  });

  it('keeps entries 30 seconds by default, on the real clock when none is given', async function () {
    expect(WORKSPACE_CACHE_TTL_MS).to.equal(30_000);
    const c = cache();
    await c.get('demo');
    time += 29_999;
    await c.get('demo');
    expect(reads.slug).to.have.length(1);
    time += 2;
    await c.get('demo');
    expect(reads.slug).to.have.length(2);
    const real = createWorkspaceCache({ db: crm.db, adapter: countingAdapter(), events: bus, config: { portalPath: '/portal' } });
    opened.push(real);
    const entry = await real.get('demo');
    expect(await real.get('demo')).to.equal(entry);
    expect(await real.byId(crm.workspaceId)).to.equal(entry);
    expect(reads.slug).to.have.length(3);
  });

  it('finds a workspace by id through its slug, then by id from memory', async function () {
    const c = cache();
    const entry = (await c.byId(crm.workspaceId))!;
    expect(entry.workspace.slug).to.equal('demo');
    expect(await c.byId(crm.workspaceId)).to.equal(entry);
    expect(await c.get('demo')).to.equal(entry);
    expect(reads).to.deep.equal({ slug: ['demo'], id: [crm.workspaceId] });
    expect((await c.byId(crm.otherWorkspaceId))!.workspace.slug).to.equal('acme');
  });

  it('does not keep what a load read before an invalidation, nor join that load afterwards', async function () {
    const c = cache();
    // The early load answers last: were it kept, it would replace the late one's entry.
    const release = hold();
    const early = c.get('demo');
    await c.changed(crm.workspaceId);
    const late = c.get('demo');
    const b = await late;
    release();
    const a = await early;
    expect(reads.slug).to.deep.equal(['demo', 'demo']);
    expect(a).to.not.equal(b);
    // The late load (after the invalidation) was kept; the early one was not.
    expect(await c.get('demo')).to.equal(b);
    expect(reads.slug).to.have.length(2);
  });

  it('lets a request join the load that started after an invalidation, however the earlier load ends', async function () {
    for (const earlyFails of [false, true]) {
      reads.slug.length = 0;
      const c = cache();
      const [releaseEarly, releaseLate] = [hold(), hold()];
      const early = c.get('demo').catch(() => 'failed');
      await c.changed(crm.workspaceId);
      const late = c.get('demo');
      failNext = earlyFails;
      releaseEarly();
      expect((await early) === 'failed').to.equal(earlyFails);
      // The late load still runs: a request now joins it instead of reading again.
      const joined = c.get('demo');
      releaseLate();
      expect(await joined).to.equal(await late);
      expect(reads.slug, `early load ${earlyFails ? 'failed' : 'answered'}`).to.deep.equal(['demo', 'demo']);
    }
  });

  it('does not keep a failed load: the next request tries again', async function () {
    const c = cache();
    failNext = true;
    const failed = await c.get('demo').then(
      () => 'loaded',
      (error: Error) => error.message,
    );
    expect(failed).to.equal('host unavailable');
    expect((await c.get('demo'))?.workspace.slug).to.equal('demo');
    expect(await c.get('demo')).to.not.equal(null);
    expect(reads.slug).to.deep.equal(['demo', 'demo']);
  });

  it('keeps at most maxEntries workspaces, dropping the least recently used', async function () {
    const c = cache({ maxEntries: 2 });
    await c.get('demo');
    await c.get('acme');
    // Loaded first but used last: a third workspace pushes out acme, not demo.
    await c.get('demo');
    await c.get(thirdSlug);
    expect(reads.slug).to.deep.equal(['demo', 'acme', thirdSlug]);
    await c.get('demo');
    await c.get(thirdSlug);
    expect(reads.slug).to.have.length(3);
    await c.get('acme');
    expect(reads.slug).to.deep.equal(['demo', 'acme', thirdSlug, 'acme']);
  });

  it('stops listening once closed', async function () {
    const c = cache();
    const other = cache();
    await c.get('demo');
    c.close();
    await c.get('demo');
    expect(reads.slug).to.deep.equal(['demo', 'demo']);
    await other.changed(crm.workspaceId);
    await bus.publish(RECONNECTED_CHANNEL, {});
    await c.get('demo');
    expect(reads.slug).to.deep.equal(['demo', 'demo']);
  });
});
