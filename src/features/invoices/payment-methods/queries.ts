// SQL of saved payment methods, their setups and the autopay enrolment. Every statement names the
// workspace, and every read a client makes names its company.
import type { Knex } from 'knex';
import type { SavedPaymentMethod } from '../../../core/index.ts';

type Db = Knex | Knex.Transaction;

export interface PaymentMethodRow {
  id: string;
  client_id: string;
  provider: string;
  customer_id: string;
  provider_method_id: string;
  kind: SavedPaymentMethod['kind'];
  brand: string | null;
  last4: string | null;
  exp_month: number | null;
  exp_year: number | null;
  mandate_reference: string | null;
  mandate_accepted_at: Date | null;
  is_default: boolean;
  added_at: Date;
}

const METHOD_COLUMNS = [
  'id',
  'client_id',
  'provider',
  'customer_id',
  'provider_method_id',
  'kind',
  'brand',
  'last4',
  'exp_month',
  'exp_year',
  'mandate_reference',
  'mandate_accepted_at',
  'is_default',
  'added_at',
];

interface ClientScope {
  workspaceId: string;
  clientId: string;
}

/** A company's methods still saved, the default first, then the newest. */
export function listMethods(db: Db, scope: ClientScope): Promise<PaymentMethodRow[]> {
  return db('client_payment_methods')
    .where({ workspace_id: scope.workspaceId, client_id: scope.clientId })
    .whereNull('removed_at')
    .orderBy([
      { column: 'is_default', order: 'desc' },
      { column: 'added_at', order: 'desc' },
    ])
    .limit(50)
    .select(METHOD_COLUMNS);
}

/** The method autopay charges: the company's default, while it is saved. */
export async function defaultMethodOf(db: Db, scope: ClientScope): Promise<PaymentMethodRow | null> {
  const row = await db('client_payment_methods')
    .where({ workspace_id: scope.workspaceId, client_id: scope.clientId, is_default: true })
    .whereNull('removed_at')
    .first(METHOD_COLUMNS);
  return (row as PaymentMethodRow | undefined) ?? null;
}

export async function lockMethod(trx: Knex.Transaction, scope: ClientScope & { id: string }): Promise<PaymentMethodRow | null> {
  const row = await trx('client_payment_methods')
    .where({ workspace_id: scope.workspaceId, client_id: scope.clientId, id: scope.id })
    .whereNull('removed_at')
    .forUpdate()
    .first(METHOD_COLUMNS);
  return (row as PaymentMethodRow | undefined) ?? null;
}

/** The provider's customer this company's methods belong to, from its methods or setups. */
export async function customerOf(db: Db, scope: ClientScope & { provider: string }): Promise<string | null> {
  const row = await db('client_payment_setups')
    .where({ workspace_id: scope.workspaceId, client_id: scope.clientId, provider: scope.provider })
    .whereNotNull('customer_id')
    .orderBy('created_at', 'asc')
    .first<{ customer_id: string } | undefined>('customer_id');
  return row?.customer_id ?? null;
}

export async function insertSetup(
  db: Db,
  row: { id: string; workspaceId: string; clientId: string; clientUserId: string; provider: string },
): Promise<void> {
  await db('client_payment_setups').insert({
    id: row.id,
    workspace_id: row.workspaceId,
    client_id: row.clientId,
    client_user_id: row.clientUserId,
    provider: row.provider,
  });
}

export async function saveSetupAtProvider(
  db: Db,
  args: { workspaceId: string; id: string; customerId: string; providerSetupId: string | null },
) {
  await db('client_payment_setups')
    .where({ workspace_id: args.workspaceId, id: args.id })
    .update({ customer_id: args.customerId, provider_setup_id: args.providerSetupId });
}

export interface SetupRow {
  id: string;
  client_id: string;
  client_user_id: string;
  provider: string;
  status: 'open' | 'saved' | 'cancelled';
  payment_method_id: string | null;
  customer_id: string | null;
}

const SETUP_COLUMNS = ['id', 'client_id', 'client_user_id', 'provider', 'status', 'payment_method_id', 'customer_id'];

/** A company's own setup (the demo page, the page the client returns to). */
export async function findSetup(db: Db, scope: ClientScope & { id: string }): Promise<SetupRow | null> {
  const row = await db('client_payment_setups')
    .where({ workspace_id: scope.workspaceId, client_id: scope.clientId, id: scope.id })
    .first(SETUP_COLUMNS);
  return (row as SetupRow | undefined) ?? null;
}

/** The setup a provider's event names, locked for its one completion. */
export async function lockSetupForEvent(
  trx: Knex.Transaction,
  args: { workspaceId: string; provider: string; id: string },
): Promise<SetupRow | null> {
  const row = await trx('client_payment_setups')
    .where({ workspace_id: args.workspaceId, provider: args.provider, id: args.id })
    .forUpdate()
    .first(SETUP_COLUMNS);
  return (row as SetupRow | undefined) ?? null;
}

export async function endSetup(
  trx: Knex.Transaction,
  args: { workspaceId: string; id: string; status: 'saved' | 'cancelled'; paymentMethodId: string | null; customerId: string; at: Date },
): Promise<void> {
  await trx('client_payment_setups')
    .where({ workspace_id: args.workspaceId, id: args.id })
    .update({ status: args.status, payment_method_id: args.paymentMethodId, customer_id: args.customerId, completed_at: args.at });
}

/** Saves a method (the company's default when it has none yet); the same provider method twice is saved once. */
export async function insertMethod(
  trx: Knex.Transaction,
  row: ClientScope & { id: string; provider: string; customerId: string; method: SavedPaymentMethod; addedBy: string; at: Date },
): Promise<string> {
  const hasDefault = await trx('client_payment_methods')
    .where({ workspace_id: row.workspaceId, client_id: row.clientId, is_default: true })
    .whereNull('removed_at')
    .first('id');
  const inserted = await trx('client_payment_methods')
    .insert({
      workspace_id: row.workspaceId,
      id: row.id,
      client_id: row.clientId,
      provider: row.provider,
      customer_id: row.customerId,
      provider_method_id: row.method.providerMethodId,
      kind: row.method.kind,
      brand: row.method.brand,
      last4: row.method.last4,
      exp_month: row.method.expMonth,
      exp_year: row.method.expYear,
      mandate_reference: row.method.mandateReference,
      mandate_accepted_at: row.method.mandateAcceptedAt,
      is_default: !hasDefault,
      added_by_client_user_id: row.addedBy,
      added_at: row.at,
    })
    .onConflict(['workspace_id', 'provider', 'provider_method_id'])
    .ignore()
    .returning('id');
  if (inserted.length > 0) return row.id;
  const kept = await trx('client_payment_methods')
    .where({ workspace_id: row.workspaceId, provider: row.provider, provider_method_id: row.method.providerMethodId })
    .first<{ id: string }>('id');
  return kept.id;
}

/** Makes one method the company's default: the others stop being it, in the same transaction. */
export async function setDefaultMethod(trx: Knex.Transaction, scope: ClientScope & { id: string }): Promise<void> {
  await trx('client_payment_methods')
    .where({ workspace_id: scope.workspaceId, client_id: scope.clientId, is_default: true })
    .whereNot({ id: scope.id })
    .update({ is_default: false });
  await trx('client_payment_methods')
    .where({ workspace_id: scope.workspaceId, client_id: scope.clientId, id: scope.id })
    .update({ is_default: true });
}

/** Forgets a method; when it was the default, the newest other one becomes it. Answers the new default's id. */
export async function removeMethodRow(trx: Knex.Transaction, scope: ClientScope & { id: string; at: Date }): Promise<string | null> {
  await trx('client_payment_methods')
    .where({ workspace_id: scope.workspaceId, client_id: scope.clientId, id: scope.id })
    .update({ removed_at: scope.at, is_default: false });
  const next = await trx('client_payment_methods')
    .where({ workspace_id: scope.workspaceId, client_id: scope.clientId })
    .whereNull('removed_at')
    .orderBy([
      { column: 'is_default', order: 'desc' },
      { column: 'added_at', order: 'desc' },
    ])
    .first<{ id: string; is_default: boolean } | undefined>(['id', 'is_default']);
  if (next && !next.is_default) await setDefaultMethod(trx, { ...scope, id: next.id });
  return next?.id ?? null;
}

export interface AutopayRow {
  enabled: boolean;
  charge_on: 'issue' | 'due';
  consent_version: string;
  consent_text: string;
  accepted_by_email: string;
  accepted_at: Date;
  accepted_ip: string | null;
  accepted_user_agent: string | null;
  switched_off_at: Date | null;
}

export async function findAutopay(db: Db, scope: ClientScope): Promise<AutopayRow | null> {
  const row = await db('client_autopay')
    .where({ workspace_id: scope.workspaceId, client_id: scope.clientId })
    .first([
      'enabled',
      'charge_on',
      'consent_version',
      'consent_text',
      'accepted_by_email',
      'accepted_at',
      'accepted_ip',
      'accepted_user_agent',
      'switched_off_at',
    ]);
  return (row as AutopayRow | undefined) ?? null;
}

export async function switchAutopayOn(
  trx: Knex.Transaction,
  row: ClientScope & {
    chargeOn: 'issue' | 'due';
    consentVersion: string;
    consentText: string;
    clientUserId: string;
    email: string;
    at: Date;
    ip: string | null;
    userAgent: string | null;
  },
): Promise<void> {
  const values = {
    enabled: true,
    charge_on: row.chargeOn,
    consent_version: row.consentVersion,
    consent_text: row.consentText,
    accepted_by_client_user_id: row.clientUserId,
    accepted_by_email: row.email,
    accepted_at: row.at,
    accepted_ip: row.ip,
    accepted_user_agent: row.userAgent?.slice(0, 512) ?? null,
    switched_off_by_client_user_id: null,
    switched_off_at: null,
  };
  await trx('client_autopay')
    .insert({ workspace_id: row.workspaceId, client_id: row.clientId, ...values })
    .onConflict(['workspace_id', 'client_id'])
    .merge(Object.keys(values));
}

/** Switches autopay off; true when it was on. */
export async function switchAutopayOff(
  trx: Knex.Transaction,
  scope: ClientScope & { clientUserId: string | null; at: Date },
): Promise<boolean> {
  const changed = await trx('client_autopay')
    .where({ workspace_id: scope.workspaceId, client_id: scope.clientId, enabled: true })
    .update({ enabled: false, switched_off_by_client_user_id: scope.clientUserId, switched_off_at: scope.at });
  return changed > 0;
}

/** Serialises a company's changes to its methods and autopay (two tabs, a double click). */
export async function lockClientMethods(trx: Knex.Transaction, scope: ClientScope): Promise<void> {
  await trx.raw('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`payment-methods:${scope.workspaceId}:${scope.clientId}`]);
}
