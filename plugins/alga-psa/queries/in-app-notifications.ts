// Alga PSA's in-app notifications (the bell of its MSP and client portals), written as
// packages/notifications internalNotificationActions.ts createNotificationFromTemplateInternal
// writes one: the user's language (getUserLocale), the template in it or in English
// (internal_notification_templates, global rows Alga's migrations seed), whether the tenant and
// the user let that kind through (checkInternalNotificationEnabled), its priority
// (resolveNotificationPriority), then an internal_notifications row with the template rendered.
// Its broadcast and push hooks run in Alga's process after the commit and are not reproduced:
// Alga's bell reads the row when the person next looks. Every statement names the tenant, but for
// Alga's global template, subtype and category tables.
import type { Knex } from 'knex';

/** The languages Alga ships (packages/core lib/i18n/config.ts supportedLocales). */
const ALGA_LOCALES = new Set(['en', 'fr', 'es', 'de', 'nl', 'it', 'pl', 'pt', 'xx', 'yy']);

/** normalizeLocale: a shipped language, from a tag such as 'pt_BR' or '"de"', else null. */
function algaLocale(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.replace(/"/g, '').trim().toLowerCase();
  if (!trimmed) return null;
  if (ALGA_LOCALES.has(trimmed)) return trimmed;
  const language = trimmed.split(/[-_]/)[0] ?? '';
  return ALGA_LOCALES.has(language) ? language : null;
}

const record = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/** getUserLocale for a client user: their own choice, their company's, the client portal's, the tenant's, else English. */
async function clientUserLocale(trx: Knex.Transaction, tenant: string, userId: string): Promise<string> {
  const user = await trx('users as u')
    .leftJoin('contacts as con', function joinContact() {
      this.on('con.tenant', '=', 'u.tenant').andOn('con.contact_name_id', '=', 'u.contact_id');
    })
    .leftJoin('clients as c', function joinClient() {
      this.on('c.tenant', '=', 'con.tenant').andOn('c.client_id', '=', 'con.client_id');
    })
    .where({ 'u.tenant': tenant, 'u.user_id': userId })
    .first<{ user_type: string | null; properties: unknown } | undefined>(['u.user_type', 'c.properties']);
  const preference = await trx('user_preferences')
    .where({ tenant, user_id: userId, setting_name: 'locale' })
    .first<{ setting_value: unknown } | undefined>('setting_value');
  const own = algaLocale(preference?.setting_value);
  if (own) return own;
  if (user?.user_type !== 'internal') {
    const company = algaLocale(record(user?.properties).defaultLocale);
    if (company) return company;
  }
  const settings = record((await trx('tenant_settings').where({ tenant }).first<{ settings: unknown } | undefined>('settings'))?.settings);
  const portal = algaLocale(record(settings[user?.user_type === 'internal' ? 'mspPortal' : 'clientPortal']).defaultLocale);
  return portal ?? algaLocale(settings.defaultLocale) ?? 'en';
}

interface TemplateRow {
  title: string;
  message: string;
  subtype_id: number;
}

/** checkInternalNotificationEnabled: the subtype and its category exist and are on for the tenant, then the user's choice, else the tenant's default. */
async function enabledFor(trx: Knex.Transaction, tenant: string, userId: string, subtypeId: number): Promise<boolean> {
  const subtype = await trx('internal_notification_subtypes')
    .where({ internal_notification_subtype_id: subtypeId })
    .first<{ internal_category_id: number } | undefined>('internal_category_id');
  if (!subtype) return false;
  const subtypeSetting = await trx('tenant_internal_notification_subtype_settings')
    .where({ tenant, subtype_id: subtypeId })
    .first<{ is_enabled: boolean; is_default_enabled: boolean } | undefined>(['is_enabled', 'is_default_enabled']);
  if (!(subtypeSetting?.is_enabled ?? true)) return false;
  const category = await trx('internal_notification_categories')
    .where({ internal_notification_category_id: subtype.internal_category_id })
    .first('internal_notification_category_id');
  if (!category) return false;
  const categorySetting = await trx('tenant_internal_notification_category_settings')
    .where({ tenant, category_id: subtype.internal_category_id })
    .first<{ is_enabled: boolean } | undefined>('is_enabled');
  if (!(categorySetting?.is_enabled ?? true)) return false;
  const preferences = trx('user_internal_notification_preferences').where({ tenant, user_id: userId });
  const bySubtype = await preferences.clone().where({ subtype_id: subtypeId }).first<{ is_enabled: boolean } | undefined>('is_enabled');
  if (bySubtype) return bySubtype.is_enabled;
  const byCategory = await preferences
    .clone()
    .where({ category_id: subtype.internal_category_id })
    .whereNull('subtype_id')
    .first<{ is_enabled: boolean } | undefined>('is_enabled');
  if (byCategory) return byCategory.is_enabled;
  return subtypeSetting?.is_default_enabled ?? true;
}

const PRIORITIES = new Set(['high', 'normal', 'low']);
const priorityOf = (value: unknown) => (typeof value === 'string' && PRIORITIES.has(value) ? value : null);

/** resolveNotificationPriority: the user's, else the tenant's, else the subtype's default, else 'normal'. */
async function priorityFor(trx: Knex.Transaction, tenant: string, userId: string, subtypeId: number): Promise<string> {
  const [user, tenantSetting, subtype] = [
    await trx('user_internal_notification_preferences').where({ tenant, user_id: userId, subtype_id: subtypeId }).first('priority'),
    await trx('tenant_internal_notification_subtype_settings').where({ tenant, subtype_id: subtypeId }).first('priority'),
    await trx('internal_notification_subtypes').where({ internal_notification_subtype_id: subtypeId }).first('default_priority'),
  ];
  return priorityOf(user?.priority) ?? priorityOf(tenantSetting?.priority) ?? priorityOf(subtype?.default_priority) ?? 'normal';
}

/** The template's {{key}} replaced by the data, an unknown key left as written (Alga's renderTemplate). */
const render = (text: string, data: Record<string, string>) =>
  text.replace(/\{\{(\w+)\}\}/g, (match, key: string) => (data[key] !== undefined ? String(data[key]) : match));

export interface TemplateNotification {
  tenant: string;
  userId: string;
  templateName: string;
  type: 'info' | 'success' | 'warning' | 'error';
  category: string;
  link: string;
  data: Record<string, string>;
}

/**
 * The notification's row, or null where Alga writes none: no template of that name (Alga throws,
 * and its caller carries on without one) or the kind switched off for the tenant or the user.
 */
export async function insertTemplateNotification(trx: Knex.Transaction, args: TemplateNotification): Promise<string | null> {
  const locale = await clientUserLocale(trx, args.tenant, args.userId);
  const template =
    (await trx('internal_notification_templates')
      .where({ name: args.templateName, language_code: locale })
      .first<TemplateRow | undefined>(['title', 'message', 'subtype_id'])) ??
    (await trx('internal_notification_templates')
      .where({ name: args.templateName, language_code: 'en' })
      .first<TemplateRow | undefined>(['title', 'message', 'subtype_id']));
  if (!template) return null;
  if (!(await enabledFor(trx, args.tenant, args.userId, template.subtype_id))) return null;
  const [row] = await trx('internal_notifications')
    .insert({
      tenant: args.tenant,
      user_id: args.userId,
      template_name: args.templateName,
      language_code: locale,
      title: render(template.title, args.data),
      message: render(template.message, args.data),
      type: args.type,
      priority: await priorityFor(trx, args.tenant, args.userId, template.subtype_id),
      category: args.category,
      link: args.link,
      metadata: null,
      is_read: false,
      delivery_status: 'pending',
      delivery_attempts: 0,
    })
    .returning<Array<{ internal_notification_id: string }>>('internal_notification_id');
  return row?.internal_notification_id ?? null;
}

/** The contact's client login as Alga's getClientUserIdFromContact finds it (a client user of the contact, not inactive), or null. */
export async function activeClientLoginOf(trx: Knex.Transaction, tenant: string, contactId: string): Promise<string | null> {
  const row = await trx('users')
    .where({ tenant, contact_id: contactId, user_type: 'client' })
    .andWhere((q) => q.where('is_inactive', false).orWhereNull('is_inactive'))
    .first<{ user_id: string } | undefined>('user_id');
  return row?.user_id ?? null;
}
