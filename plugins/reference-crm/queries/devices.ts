// Devices the agency looks after for its clients, and the tickets about each. Every statement is
// scoped by workspace; a client's reads also by client, so another company's device is not found.
import type { DEVICE_KINDS, DEVICE_STATUSES } from '../migrations/20270503000001_devices.ts';
import type { Db } from './db.ts';

export type DeviceKind = (typeof DEVICE_KINDS)[number];
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];

export interface DeviceRow {
  id: number;
  client_id: number;
  name: string;
  kind: DeviceKind;
  status: DeviceStatus;
  serial_number: string | null;
  asset_tag: string | null;
  location: string | null;
  purchased_on: string | null;
  warranty_ends_on: string | null;
  updated_at: Date;
}

const COLUMNS = [
  'd.id',
  'd.client_id',
  'd.name',
  'd.kind',
  'd.status',
  'd.serial_number',
  'd.asset_tag',
  'd.location',
  'd.purchased_on',
  'd.warranty_ends_on',
  'd.updated_at',
];

/** LIKE's own characters taken literally. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export interface DeviceListArgs {
  workspaceId: number;
  clientId?: number;
  state: 'active' | 'inactive' | 'all';
  kind?: DeviceKind;
  search?: string;
  /** The last device of the page before: the list goes on after it by name and id. */
  afterId?: number;
  limit: number;
}

/** By name, then id; a client's, or the workspace's (staff). */
export async function listDevices(db: Db, args: DeviceListArgs): Promise<DeviceRow[]> {
  const query = db('devices as d').where('d.workspace_id', args.workspaceId);
  if (args.clientId !== undefined) query.where('d.client_id', args.clientId);
  if (args.state === 'active') query.whereNot('d.status', 'inactive');
  if (args.state === 'inactive') query.where('d.status', 'inactive');
  if (args.kind) query.where('d.kind', args.kind);
  if (args.search) {
    const pattern = likePattern(args.search);
    query.andWhere((q) => q.whereILike('d.name', pattern).orWhereILike('d.asset_tag', pattern).orWhereILike('d.serial_number', pattern));
  }
  if (args.afterId !== undefined)
    query.whereRaw('(d.name, d.id) > (select p.name, p.id from devices p where p.workspace_id = ? and p.id = ?)', [
      args.workspaceId,
      args.afterId,
    ]);
  return query
    .orderBy([
      { column: 'd.name', order: 'asc' },
      { column: 'd.id', order: 'asc' },
    ])
    .limit(args.limit)
    .select<DeviceRow[]>(COLUMNS);
}

export async function findDevice(db: Db, args: { workspaceId: number; clientId?: number; deviceId: number }): Promise<DeviceRow | null> {
  const query = db('devices as d').where({ 'd.workspace_id': args.workspaceId, 'd.id': args.deviceId });
  if (args.clientId !== undefined) query.where('d.client_id', args.clientId);
  return (await query.first<DeviceRow | undefined>(COLUMNS)) ?? null;
}

/** The devices a ticket is about, by name; a client's only, when one is named. */
export function listTicketDevices(
  db: Db,
  args: { workspaceId: number; ticketId: number; clientId?: number },
): Promise<Array<{ id: number; client_id: number; name: string }>> {
  const query = db('device_tickets as dt')
    .join('devices as d', (j) => j.on('d.workspace_id', 'dt.workspace_id').andOn('d.id', 'dt.device_id'))
    .where({ 'dt.workspace_id': args.workspaceId, 'dt.ticket_id': args.ticketId });
  if (args.clientId !== undefined) query.where('d.client_id', args.clientId);
  return query.orderBy(['d.name', 'd.id']).select('d.id', 'd.client_id', 'd.name');
}

/** A ticket about a device; both must be the client's (checked by the caller in the same transaction). */
export async function linkDeviceTicket(
  db: Db,
  args: { workspaceId: number; deviceId: number; ticketId: number; byContactId: number | null },
): Promise<void> {
  await db('device_tickets')
    .insert({ workspace_id: args.workspaceId, device_id: args.deviceId, ticket_id: args.ticketId, by_contact_id: args.byContactId })
    .onConflict(['workspace_id', 'device_id', 'ticket_id'])
    .ignore();
}

export async function insertDevice(
  db: Db,
  row: {
    workspaceId: number;
    clientId: number;
    name: string;
    kind: DeviceKind;
    status?: DeviceStatus;
    serialNumber?: string | null;
    assetTag?: string | null;
    location?: string | null;
    purchasedOn?: string | null;
    warrantyEndsOn?: string | null;
  },
): Promise<number> {
  const [inserted] = await db('devices')
    .insert({
      workspace_id: row.workspaceId,
      client_id: row.clientId,
      name: row.name,
      kind: row.kind,
      status: row.status ?? 'active',
      serial_number: row.serialNumber ?? null,
      asset_tag: row.assetTag ?? null,
      location: row.location ?? null,
      purchased_on: row.purchasedOn ?? null,
      warranty_ends_on: row.warrantyEndsOn ?? null,
    })
    .returning<Array<{ id: number }>>('id');
  if (!inserted) throw new Error('insert into devices returned no row');
  return inserted.id;
}

/** What staff set of a device on its form. */
export interface DeviceFields {
  clientId: number;
  name: string;
  kind: DeviceKind;
  status: DeviceStatus;
  serialNumber: string | null;
  assetTag: string | null;
  location: string | null;
  purchasedOn: string | null;
  warrantyEndsOn: string | null;
}

/** The device as staff changed it; the caller checked that the client is the workspace's. */
export async function updateDevice(db: Db, args: { workspaceId: number; deviceId: number } & DeviceFields): Promise<void> {
  await db('devices').where({ workspace_id: args.workspaceId, id: args.deviceId }).update({
    client_id: args.clientId,
    name: args.name,
    kind: args.kind,
    status: args.status,
    serial_number: args.serialNumber,
    asset_tag: args.assetTag,
    location: args.location,
    purchased_on: args.purchasedOn,
    warranty_ends_on: args.warrantyEndsOn,
    updated_at: db.fn.now(),
  });
}
