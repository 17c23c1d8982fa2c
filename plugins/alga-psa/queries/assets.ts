// Alga PSA's assets as its own client portal lists them
// (packages/client-portal/src/actions/client-portal-actions/client-assets.ts, listClientAssets and
// getClientAssetById): the tenant's assets with the client's client_id, whatever their status;
// "active" is any status but 'inactive' (a null status too), "inactive" that one; a search of
// name, asset tag and serial number in any case; its asset types workstation, network_device,
// server, mobile_device and printer, any other value counted as 'unknown'. Alga's client portal
// asks none of the client's roles for them (withAuth and the contact's client, nothing more).
//
// The tickets about an asset are Alga's asset_associations rows with entity_type 'ticket' (what
// its client portal writes when a client opens a ticket with an asset, createClientTicket, and
// reads for a ticket's linked assets): asset_ticket_associations, which the issue names, is an
// orphan table in Alga that nothing reads or writes (its creating migration says so).
import { activeClientIds, type Db } from './db.ts';

/** Alga's own asset types (ClientAssetType, less 'unknown'). */
const ALGA_ASSET_TYPES = ['workstation', 'network_device', 'server', 'mobile_device', 'printer'] as const;
export type AlgaAssetType = (typeof ALGA_ASSET_TYPES)[number];

export interface AlgaAssetRow {
  asset_id: string;
  name: string;
  asset_type: string | null;
  status: string | null;
  serial_number: string | null;
  asset_tag: string | null;
  location: string | null;
  purchase_date: Date | null;
  warranty_end_date: Date | null;
  updated_at: Date | null;
}

/** What a device is read as; the claims read this list. */
export const ASSET_COLUMNS = [
  'asset_id',
  'name',
  'asset_type',
  'status',
  'serial_number',
  'asset_tag',
  'location',
  'purchase_date',
  'warranty_end_date',
  'updated_at',
];

const COLUMNS = ASSET_COLUMNS.map((column) => `a.${column}`);

interface AssetScope {
  tenant: string;
  clientId: string;
}

/** The client's assets, of an active client of the tenant. */
function clientAssets(db: Db, scope: AssetScope) {
  return db('assets as a')
    .where({ 'a.tenant': scope.tenant, 'a.client_id': scope.clientId })
    .whereIn('a.client_id', activeClientIds(db, scope.tenant));
}

/** `%text%` for LIKE on lower-cased text, the user's own % _ and \ taken literally. */
const containing = (text: string) =>
  `%${text
    .trim()
    .toLowerCase()
    .replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

export interface AlgaAssetListArgs extends AssetScope {
  state: 'active' | 'inactive' | 'all';
  /** One of Alga's types, or 'unknown' for any other value. */
  type?: AlgaAssetType | 'unknown';
  search?: string;
  /** The last asset of the page before: the list goes on after it by name and id. */
  afterId?: string;
  limit: number;
}

/** By name, then asset_id (Alga's sort_by 'name', with a tie-break so pages do not overlap). */
export async function listAlgaAssets(db: Db, args: AlgaAssetListArgs): Promise<AlgaAssetRow[]> {
  const query = clientAssets(db, args);
  if (args.state === 'active') query.andWhere((q) => q.whereNot('a.status', 'inactive').orWhereNull('a.status'));
  if (args.state === 'inactive') query.where('a.status', 'inactive');
  if (args.type === 'unknown') query.andWhere((q) => q.whereNotIn('a.asset_type', ALGA_ASSET_TYPES).orWhereNull('a.asset_type'));
  else if (args.type) query.where('a.asset_type', args.type);
  if (args.search) {
    const term = containing(args.search);
    query.andWhere((q) =>
      q
        .whereRaw(`lower(a.name) like ? escape '\\'`, [term])
        .orWhereRaw(`lower(a.asset_tag) like ? escape '\\'`, [term])
        .orWhereRaw(`lower(a.serial_number) like ? escape '\\'`, [term]),
    );
  }
  if (args.afterId !== undefined)
    query.whereRaw('(a.name, a.asset_id) > (select p.name, p.asset_id from assets p where p.tenant = ? and p.asset_id = ?::uuid)', [
      args.tenant,
      args.afterId,
    ]);
  return query
    .orderBy([{ column: 'a.name' }, { column: 'a.asset_id' }])
    .limit(args.limit)
    .select<AlgaAssetRow[]>(COLUMNS);
}

export async function findAlgaAsset(db: Db, args: AssetScope & { assetId: string }): Promise<AlgaAssetRow | null> {
  return (await clientAssets(db, args).where('a.asset_id', args.assetId).first<AlgaAssetRow | undefined>(COLUMNS)) ?? null;
}

/** The client's assets a ticket is about (asset_associations, entity_type 'ticket'), by name. */
export function listAlgaTicketAssets(db: Db, args: AssetScope & { ticketId: string }): Promise<Array<{ asset_id: string; name: string }>> {
  return clientAssets(db, args)
    .whereExists((q) =>
      q
        .select(db.raw('1'))
        .from('asset_associations as aa')
        .whereRaw('aa.tenant = a.tenant and aa.asset_id = a.asset_id')
        .where({ 'aa.entity_type': 'ticket', 'aa.entity_id': args.ticketId }),
    )
    .orderBy([{ column: 'a.name' }, { column: 'a.asset_id' }])
    .select('a.asset_id', 'a.name');
}

/**
 * The link of a new ticket to the client's asset, as Alga's createClientTicket writes it:
 * asset_associations, entity_type 'ticket', relationship_type 'affected', created_by the client's
 * login. The caller checked the asset is the client's, in the same transaction.
 */
export async function linkAlgaAssetTicket(
  db: Db,
  args: { tenant: string; assetId: string; ticketId: string; createdBy: string },
): Promise<void> {
  await db('asset_associations').insert({
    tenant: args.tenant,
    asset_id: args.assetId,
    entity_id: args.ticketId,
    entity_type: 'ticket',
    relationship_type: 'affected',
    created_by: args.createdBy,
    created_at: db.fn.now(),
  });
}
