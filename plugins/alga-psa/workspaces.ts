// Tenants as the portal's workspaces. A slug must be unambiguous and stable, and Alga has no
// per-tenant URL name of its own (portal_domains holds host names, often none), so:
//   - configured slugs (option `workspaceSlugs`, tenant uuid → slug) are used as given; or
//   - otherwise the slug is the tenant's name in URL form plus the first 12 hex digits of its
//     uuid ("acme-it-3f2a9c01b7d4"). The digits make it unambiguous (findBySlug answers only when
//     exactly one tenant has them, and only for the slug as it is now). Renaming the tenant in Alga
//     changes it; pin the slug in configuration where links must outlive a rename.
import type { Knex } from 'knex';
import type { HostWorkspace, WorkspacesPort } from '../../src/index.ts';
import { parseUuid } from './ids.ts';
import { findTenant, findTenantsByIdPrefix, type TenantRow } from './queries/tenants.ts';

export const SLUG = /^[a-z0-9][a-z0-9-]{0,59}$/;
const ID_DIGITS = 12;

function slugify(name: string): string {
  const base = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return base || 'tenant';
}

export const derivedSlug = (row: TenantRow) => `${slugify(row.client_name)}-${row.tenant.replace(/-/g, '').slice(0, ID_DIGITS)}`;

const COLOR = /^#[0-9a-f]{6}$/i;

/**
 * Alga's client portal feature switches (packages/client-portal lib/clientPortalFeatureSettings.ts
 * ClientPortalFeatureSettings, read by getClientPortalFeatureSettings) and the portal section each
 * one switches: Alga reads a switch as on unless it is false.
 */
const ALGA_PORTAL_FEATURES: Record<string, string> = {
  // createAppointmentRequest refuses "Appointment requests are not available in the client
  // portal", and Alga's portal hides its appointments.
  appointmentsEnabled: 'appointments',
};

/** The portal sections Alga's client portal feature settings switch off for the tenant. */
export function sectionsOffInAlga(clientPortal: unknown): string[] {
  const features =
    clientPortal && typeof clientPortal === 'object' && !Array.isArray(clientPortal) ? (clientPortal as Record<string, unknown>) : {};
  return Object.entries(ALGA_PORTAL_FEATURES)
    .filter(([feature]) => features[feature] === false)
    .map(([, section]) => section);
}

export function presentTenant(row: TenantRow, slug: string): HostWorkspace {
  return {
    sectionsOffInHost: sectionsOffInAlga(row.client_portal),
    id: row.tenant,
    slug,
    name: row.client_name?.trim() || slug,
    // Only a URL the browser can load as given: Alga's branding logo is often a path of its own app.
    logoUrl: row.logo_url && /^https:\/\//i.test(row.logo_url) ? row.logo_url : null,
    brandColor: row.primary_color && COLOR.test(row.primary_color) ? row.primary_color.toLowerCase() : null,
  };
}

export function algaWorkspaces(
  db: Knex,
  configured: Record<string, string> | undefined,
): WorkspacesPort & { slugOf(row: TenantRow): string | null } {
  const bySlug = new Map(Object.entries(configured ?? {}).map(([tenant, slug]) => [slug, tenant.toLowerCase()]));
  const slugOf = (row: TenantRow): string | null => (configured ? (configured[row.tenant] ?? null) : derivedSlug(row));
  return {
    slugOf,
    async findBySlug(slug) {
      if (typeof slug !== 'string' || !SLUG.test(slug)) return null;
      if (configured) {
        const tenant = bySlug.get(slug);
        const row = tenant ? await findTenant(db, tenant) : null;
        return row ? presentTenant(row, slug) : null;
      }
      const digits = new RegExp(`-([0-9a-f]{${ID_DIGITS}})$`).exec(slug)?.[1];
      if (!digits) return null;
      const rows = await findTenantsByIdPrefix(db, digits);
      if (rows.length !== 1 || derivedSlug(rows[0]!) !== slug) return null;
      return presentTenant(rows[0]!, slug);
    },
    async findById(id) {
      const tenant = parseUuid(id);
      const row = tenant ? await findTenant(db, tenant) : null;
      const slug = row ? slugOf(row) : null;
      return row && slug ? presentTenant(row, slug) : null;
    },
  };
}
