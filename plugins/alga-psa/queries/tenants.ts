// Alga PSA's tenants (one row per MSP; every other table carries its uuid in `tenant`) and the
// branding Alga's own client portal shows (tenant_settings.settings.branding: logoUrl,
// primaryColor, written by its tenantBrandingActions) with its client portal feature switches
// (tenant_settings.settings.clientPortal, written by packages/client-portal
// clientPortalFeatureSettingsActions.ts updateClientPortalFeatureSettings).
import type { Db } from './db.ts';

export interface TenantRow {
  tenant: string;
  client_name: string;
  logo_url: string | null;
  primary_color: string | null;
  /** settings.clientPortal as Alga keeps it (an object of feature switches), or null. */
  client_portal: unknown;
}

function tenants(db: Db) {
  return db('tenants as t')
    .leftJoin('tenant_settings as s', 's.tenant', 't.tenant')
    .select<TenantRow[]>([
      't.tenant',
      't.client_name',
      db.raw("s.settings #>> '{branding,logoUrl}' as logo_url"),
      db.raw("s.settings #>> '{branding,primaryColor}' as primary_color"),
      db.raw("s.settings -> 'clientPortal' as client_portal"),
    ]);
}

export async function listTenants(db: Db): Promise<TenantRow[]> {
  return tenants(db).orderBy('t.created_at').orderBy('t.tenant');
}

export async function findTenant(db: Db, tenant: string): Promise<TenantRow | null> {
  return (await tenants(db).where('t.tenant', tenant).first()) ?? null;
}

export async function findTenantsByIdPrefix(db: Db, hexPrefix: string): Promise<TenantRow[]> {
  return tenants(db).whereRaw("left(replace(t.tenant::text, '-', ''), ?) = ?", [hexPrefix.length, hexPrefix]).limit(2);
}
