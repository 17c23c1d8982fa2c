// A person's copy of their data. The request only records itself (one in the making per person);
// a background worker on any instance claims it, builds the ZIP into the portal's file storage,
// marks it ready and queues the email saying so, in one transaction; the ZIP is offered to the
// person alone until it expires, then deleted. A worker that stopped mid-way leaves a stale claim
// that another takes over; an export that failed MAX_ATTEMPTS times is marked failed.
//
// What the copy names follows the person's access when it is built, the host's own client roles
// included where it keeps them (read once per export, as a request reads them): the person's own
// acts are all there, but an entry about a record of a section now hidden from them keeps what
// they did and when, not the record's number or title (core-hook.ts). Those records are the
// agency's, not the person's data (GDPR art. 15 is a right to one's own data, not to records one
// may not see); their own decisions and payments stay whole, as the evidence of what they did.
import type { Knex } from 'knex';
import {
  accessOf,
  type ClientUserRow,
  effectiveSettings,
  type FileStorage,
  findClientUserWithAccess,
  type HostAdapter,
  type HostWorkspace,
  inBackground,
  insertActivity,
  isLocale,
  type Mailer,
  type OpenedFile,
  type PersonalDataHook,
  type PortalLinks,
  type PortalLogger,
  type RequestMeta,
  translator,
  type WorkspaceCache,
} from '../../core/index.ts';
import { emailLocale } from '../account/index.ts';
import { buildDataExport } from './data-export.ts';
import { exportReadyEmail } from './emails.ts';
import {
  claimExport,
  findExpiredExports,
  findExport,
  findExportsToBuild,
  insertExport,
  listExports,
  markExportExpired,
  markExportFailed,
  markExportReady,
  type DataExportRow,
} from './queries.ts';

/** How long a ready export can be downloaded. */
export const EXPORT_KEPT_DAYS = 7;
const MAX_ATTEMPTS = 3;
/** A claim older than this is a worker that stopped: another takes the export over. */
const STALE_CLAIM_MS = 15 * 60_000;
const BATCH = 10;
const EXPORTS_LISTED = 5;

export interface DataExportsDeps {
  db: Knex;
  storage: FileStorage;
  /** Every module's part of a person's data, in the archive's order (known once every feature exists). */
  personalData: () => readonly PersonalDataHook[];
  mailer: Mailer;
  /** The workspace's portal address in the ready email's link. */
  links: PortalLinks;
  workspaces: Pick<WorkspaceCache, 'byId'>;
  now: () => Date;
  logger: PortalLogger;
  /** The host's own client permissions, where it keeps them: the copy names only what they let the person see. */
  hostPermissions?: HostAdapter['clientPermissions'];
}

export interface PrivacyActor {
  workspace: HostWorkspace;
  user: ClientUserRow;
  meta: RequestMeta;
}

export function createDataExports(deps: DataExportsDeps) {
  const { db, storage, now, logger } = deps;
  let running: Promise<number> | null = null;

  async function build(row: DataExportRow): Promise<void> {
    const [entry, user] = await Promise.all([
      deps.workspaces.byId(row.workspace_id),
      findClientUserWithAccess(db, row.workspace_id, row.client_user_id),
    ]);
    // The person was erased (or the workspace is gone) since asking: nothing to build.
    if (!entry || !user) {
      await markExportFailed(db, row.workspace_id, row.id, true);
      return;
    }
    const { workspace, settings } = entry;
    const held = await deps.hostPermissions?.of(workspace.id, [user.contact_id]);
    const access = held ? { ...accessOf(user), hostGrants: held.get(user.contact_id) ?? new Set<string>() } : accessOf(user);
    const locale = emailLocale(user.locale, isLocale(settings.defaultLocale) ? settings.defaultLocale : null);
    const t = translator(locale);
    const file = await buildDataExport(
      { storage, personalData: deps.personalData(), now },
      { workspaceId: workspace.id, workspaceName: workspace.name, user, settings: effectiveSettings(settings, access), t },
      t,
    );
    const at = now();
    const expiresAt = new Date(at.getTime() + EXPORT_KEPT_DAYS * 24 * 3600_000);
    const url = `${await deps.links.baseOf(workspace)}/account/data`;
    const marked = await db.transaction(async (trx) => {
      if (!(await markExportReady(trx, workspace.id, row.id, file, at, expiresAt))) return false;
      await deps.mailer.send(exportReadyEmail(t, { to: user.email, workspace, url, days: EXPORT_KEPT_DAYS }), { trx });
      return true;
    });
    // Another worker finished it first (this one's claim had gone stale): its ZIP is the one kept.
    if (!marked) await storage.delete(workspace.id, file.id);
  }

  async function runOnce(): Promise<number> {
    const at = now();
    const staleBefore = new Date(at.getTime() - STALE_CLAIM_MS);
    let built = 0;
    for (const candidate of await findExportsToBuild(db, staleBefore, BATCH)) {
      const row = await claimExport(db, candidate.workspace_id, candidate.id, at, staleBefore);
      if (!row) continue; // another instance has it
      try {
        await build(row);
        built += 1;
      } catch (err) {
        logger.error('building a data export failed', err);
        await markExportFailed(db, row.workspace_id, row.id, row.attempts >= MAX_ATTEMPTS).catch((e) =>
          logger.error('marking a data export failed failed', e),
        );
      }
    }
    return built;
  }

  /** Builds what is waiting (each export once across instances); resolves with how many were built. */
  function run(): Promise<number> {
    // One run at a time per instance; a call meanwhile joins it.
    running ??= inBackground('data exports', runOnce).finally(() => {
      running = null;
    });
    return running;
  }

  return {
    run,

    /** Records the request and wakes the worker; 'busy' when one is in the making already. */
    async request(actor: PrivacyActor): Promise<'requested' | 'busy'> {
      const created = await db.transaction(async (trx) => {
        const row = await insertExport(trx, actor.workspace.id, actor.user.id, now());
        if (!row) return null;
        await insertActivity(trx, {
          workspaceId: actor.workspace.id,
          event: 'privacy.export_requested',
          clientUserId: actor.user.id,
          clientId: actor.user.client_id,
          email: actor.user.email,
          details: { requestId: row.id },
          ...actor.meta,
        });
        return row;
      });
      if (!created) return 'busy';
      setImmediate(() => void run().catch((err) => logger.error('data exports failed', err)));
      return 'requested';
    },

    list: (workspaceId: string, clientUserId: string) => listExports(db, workspaceId, clientUserId, EXPORTS_LISTED),

    /** The person's own ready export, opened for download; 'gone' once it expired or failed. */
    async open(workspaceId: string, clientUserId: string, id: string): Promise<{ row: DataExportRow; file: OpenedFile } | 'gone' | null> {
      const row = await findExport(db, workspaceId, clientUserId, id);
      if (!row) return null;
      if (row.status !== 'ready' || !row.file_id || (row.expires_at && row.expires_at <= now())) return 'gone';
      const file = await storage.open(workspaceId, row.file_id);
      return file ? { row, file } : 'gone';
    },

    /** Deletes the ZIPs past their time; resolves with how many. */
    async expire(): Promise<number> {
      let expired = 0;
      for (const row of await findExpiredExports(db, now(), 100)) {
        if ((await markExportExpired(db, row.workspace_id, row.id)) === 0) continue;
        await storage.delete(row.workspace_id, row.file_id);
        expired += 1;
      }
      return expired;
    },

    idle: async () => {
      await running?.catch(() => undefined);
    },
  };
}

export type DataExports = ReturnType<typeof createDataExports>;
