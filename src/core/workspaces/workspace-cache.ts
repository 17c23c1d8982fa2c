// What every request of a workspace's portal needs before anything else — the host workspace, the
// admin's settings and the branding built from both — kept in memory per app instance, so a page
// (and `branding.css`) does not read them again on every request. The staff side's languages ride
// along: a staff page and the CRM header's items read them from here.
//
// Invalidation: a settings save publishes WORKSPACE_CHANGED on the event bus; every instance drops
// that workspace at once (its own from publish(), the others from NOTIFY). Changes the portal does
// not see (the host renaming a workspace or changing its colour in its own tables) and events lost
// while an instance's LISTEN connection was down are covered by a short TTL, and the bus's
// reconnected event empties the cache.
//
// Unknown slugs are kept too, for the same TTL and in a map of their own (so a flood of made-up
// slugs cannot push real workspaces out): a slug that does not exist and one whose portal is off
// must cost the same, or the time of a 404 tells an observer which slugs exist. For the same
// reason a load that finds no workspace still reads settings, as a found one does. Any
// invalidation forgets every unknown slug, so a new workspace is found at once after
// workspaceChanged() names it, and within the TTL without.
import type { Knex } from 'knex';
import { LRUCache } from 'lru-cache';
import type { PortalConfig } from '../config.ts';
import { buildBranding, type Branding } from '../branding/branding.ts';
import { RECONNECTED_CHANNEL, type EventBus } from '../events/event-bus.ts';
import type { HostAdapter, HostWorkspace } from '../ports/host.ts';
import type { PortalSettings } from '../settings/portal-settings.ts';
import { findSettings } from '../settings/queries.ts';
import { withSectionsOffInHost } from '../policies/portal-policy.ts';
import type { Locale } from '../i18n/translations.ts';
import { findWorkspaceStaffLocales } from '../staff/staff-preferences.ts';

export const WORKSPACE_CHANGED = 'portal.workspace.changed';

export interface WorkspaceEntry {
  readonly workspace: HostWorkspace;
  readonly settings: PortalSettings;
  readonly branding: Branding;
  /** `${portalPath}/${slug}`: every portal link starts here. */
  readonly base: string;
  /** The language each staff member chose for the staff side (portal_staff_preferences); those without a choice are absent. */
  readonly staffLocales: ReadonlyMap<string, Locale>;
}

export interface WorkspaceCache {
  /** The workspace by its slug with settings and branding, or null when the host has no such workspace. */
  get(slug: string): Promise<WorkspaceEntry | null>;
  /**
   * The same by the workspace's id: the staff side knows a staff user's workspace id, not a slug.
   * A hit costs nothing; a miss reads the slug from the host, then loads as get() does.
   */
  byId(workspaceId: string): Promise<WorkspaceEntry | null>;
  /**
   * The entry while it is cached and fresh, else null, without loading: for checks made on every
   * live event of every open stream, which fall back to get() only on a miss.
   */
  peek(slug: string): WorkspaceEntry | null;
  /** Tells every instance that a workspace's settings or branding changed. */
  changed(workspaceId: string): Promise<void>;
  close(): void;
}

export interface WorkspaceCacheDeps {
  db: Knex;
  adapter: HostAdapter;
  events: EventBus;
  config: Pick<PortalConfig, 'portalPath'>;
  /**
   * The stored settings as they apply on this instance (e.g. online payments off where the chosen
   * payment provider is not registered); omitted → as stored.
   */
  settingsInForce?: (workspaceId: string, stored: PortalSettings) => Promise<PortalSettings>;
  /** Safety net for changes no event announces. */
  ttlMs?: number;
  maxEntries?: number;
  clock?: () => number;
}

export const WORKSPACE_CACHE_TTL_MS = 30_000;
/** Settings are read for an unknown slug under this id, which no host workspace has. */
const NO_WORKSPACE_ID = '';

export function createWorkspaceCache(deps: WorkspaceCacheDeps): WorkspaceCache {
  const ttl = deps.ttlMs ?? WORKSPACE_CACHE_TTL_MS;
  const maxEntries = deps.maxEntries ?? 1_000;
  const clock = deps.clock ?? Date.now;
  // Least recently used out first, so the workspaces in use stay however many the host has; the TTL
  // counts from the load, on the given clock (ttlResolution 0: no cached "now" between calls).
  const perf = { now: clock };
  const entries = new LRUCache<string, WorkspaceEntry>({ max: maxEntries, ttl, perf, ttlResolution: 0 });
  /** Slugs the host has no workspace for. */
  const absent = new LRUCache<string, true>({ max: maxEntries * 10, ttl, perf, ttlResolution: 0 });
  const loading = new Map<string, Promise<WorkspaceEntry | null>>();
  // Bumped by every invalidation: a load that started before it must not store what it read.
  let generation = 0;

  async function load(slug: string): Promise<WorkspaceEntry | null> {
    const workspace = await deps.adapter.workspaces.findBySlug(slug);
    if (!workspace) {
      // The same reads as a found workspace (see the opening comment): no timing tell.
      await Promise.all([findSettings(deps.db, NO_WORKSPACE_ID), findWorkspaceStaffLocales(deps.db, NO_WORKSPACE_ID)]);
      return null;
    }
    const [stored, staffLocales] = await Promise.all([
      findSettings(deps.db, workspace.id),
      findWorkspaceStaffLocales(deps.db, workspace.id),
    ]);
    const inForce = deps.settingsInForce ? await deps.settingsInForce(workspace.id, stored) : stored;
    // A section the host's own settings switch off is off here too (HostWorkspace.sectionsOffInHost).
    const settings = Object.freeze(withSectionsOffInHost(inForce, workspace.sectionsOffInHost));
    const base = `${deps.config.portalPath}/${encodeURIComponent(workspace.slug)}`;
    const uploadedLogo = settings.logoFileId ? `${base}/branding/logo?v=${settings.logoFileId.slice(0, 8)}` : null;
    return Object.freeze({
      workspace: Object.freeze(workspace),
      settings,
      branding: Object.freeze(buildBranding(workspace, settings, uploadedLogo)),
      base,
      staffLocales,
    });
  }

  const drop = (workspaceId: string | null) => {
    generation++;
    loading.clear();
    // Whatever changed may be a workspace just created under a slug asked for before.
    absent.clear();
    if (workspaceId === null) return entries.clear();
    const slugs = [...entries.entries()].filter(([, entry]) => entry.workspace.id === workspaceId).map(([slug]) => slug);
    for (const slug of slugs) entries.delete(slug);
  };

  const unsubscribe = [
    deps.events.subscribe(WORKSPACE_CHANGED, (payload) => {
      const id = (payload as { workspaceId?: unknown }).workspaceId;
      drop(typeof id === 'string' ? id : null);
    }),
    deps.events.subscribe(RECONNECTED_CHANNEL, () => drop(null)),
  ];

  const cache: WorkspaceCache = {
    async get(slug) {
      const cached = entries.get(slug);
      if (cached) return cached;
      if (absent.has(slug)) return null;
      // One load per slug at a time: a burst of requests after an invalidation reads once.
      const pending = loading.get(slug);
      if (pending) return pending;
      const started = generation;
      const promise = load(slug).then(
        (entry) => {
          if (loading.get(slug) === promise) loading.delete(slug);
          if (entry && generation === started) entries.set(slug, entry);
          // Kept like a found one (see the opening comment), until the TTL or any invalidation.
          else if (!entry && generation === started) absent.set(slug, true);
          return entry;
        },
        (err: unknown) => {
          if (loading.get(slug) === promise) loading.delete(slug);
          throw err;
        },
      );
      loading.set(slug, promise);
      return promise;
    },
    async byId(workspaceId) {
      for (const [slug, entry] of entries.entries()) {
        if (entry.workspace.id === workspaceId && entries.peek(slug)) return cache.get(slug);
      }
      const workspace = await deps.adapter.workspaces.findById(workspaceId);
      return workspace ? cache.get(workspace.slug) : null;
    },
    peek(slug) {
      return entries.peek(slug) ?? null;
    },
    changed: (workspaceId) => deps.events.publish(WORKSPACE_CHANGED, { workspaceId }),
    close() {
      for (const off of unsubscribe) off();
      entries.clear();
      absent.clear();
    },
  };
  return cache;
}
