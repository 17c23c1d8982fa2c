// Rows and host records to the view models of the admin pages. Templates see only these.
import {
  ACTIVITY_EVENTS,
  switchesOffInHost,
  type ActivityEvent,
  activityLabel,
  type ActivityRow,
  type ClientUserAction,
  clientUserActions,
  type ClientUserRow,
  type ClientUserStatus,
  type CustomRole,
  type HostAdapter,
  type HostClient,
  type HostContact,
  type HostWorkspace,
  type PortalSettings,
  type RequestI18n,
  SECTION_SWITCHES,
  staffRoleName,
  subjectNameOf,
  type Translate,
} from '../../core/index.ts';
import type { TicketRefusal } from '../tickets/index.ts';
import { describeDevice } from '../account/index.ts';

/** The fixed notices a redirect may ask for; the query only picks one (its admin:notices key), its text is never shown. */
const NOTICES = {
  saved: 'saved',
  invited: 'invited',
  resent: 'resent',
  disabled: 'disabled',
  enabled: 'enabled',
  'two-factor-reset': 'twoFactorReset',
} as const;

export type NoticeKey = keyof typeof NOTICES;

export function noticeText(key: string | undefined, t: Translate): string | null {
  return key && Object.hasOwn(NOTICES, key) ? t(`admin:notices.${NOTICES[key as NoticeKey]}`) : null;
}

type Words = Pick<RequestI18n, 't' | 'fmt'>;

// ---- Settings ----

/** What the settings form shows: saved settings, or what was just submitted when it had errors. */
export interface SettingsFormValues {
  switches: Record<string, boolean>;
  loginWithCode: boolean;
  loginWithPassword: boolean;
  requireTwoFactor: boolean;
  portalTitle: string;
  primaryColor: string;
  maxUploadMb: string;
  securityLogDays: string;
  removeLogo: boolean;
}

const FALLBACK_COLOR = '#2f5bd3';

export function settingsFormValues(settings: PortalSettings, workspace: HostWorkspace): SettingsFormValues {
  return {
    switches: Object.fromEntries(SECTION_SWITCHES.map((s) => [s.key, settings[s.key]])),
    loginWithCode: settings.loginWithCode,
    loginWithPassword: settings.loginWithPassword,
    requireTwoFactor: settings.requireTwoFactor,
    portalTitle: settings.portalTitle ?? '',
    primaryColor: settings.primaryColor ?? workspace.brandColor ?? FALLBACK_COLOR,
    maxUploadMb: String(settings.maxUploadMb),
    securityLogDays: String(settings.securityLogDays),
    removeLogo: false,
  };
}

/** The raw body of a rejected form, so the admin does not lose what they changed. */
export function submittedFormValues(body: unknown, fallback: SettingsFormValues): SettingsFormValues {
  const form = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const checked = (key: string) => form[key] !== undefined;
  const text = (key: string, otherwise: string) => (typeof form[key] === 'string' ? (form[key] as string).slice(0, 200) : otherwise);
  return {
    switches: Object.fromEntries(SECTION_SWITCHES.map((s) => [s.key, checked(s.key)])),
    loginWithCode: checked('loginWithCode'),
    loginWithPassword: checked('loginWithPassword'),
    requireTwoFactor: checked('requireTwoFactor'),
    portalTitle: text('portalTitle', fallback.portalTitle),
    // A colour input only takes #rrggbb; anything else shows the saved colour beside the error.
    primaryColor: /^#[0-9a-f]{6}$/i.test(text('primaryColor', '')) ? text('primaryColor', '') : fallback.primaryColor,
    maxUploadMb: text('maxUploadMb', fallback.maxUploadMb).slice(0, 10),
    securityLogDays: text('securityLogDays', fallback.securityLogDays).slice(0, 10),
    removeLogo: checked('removeLogo'),
  };
}

/**
 * The section switches whose section the host's binding does not serve (no port for it: a binding
 * file that maps no tickets, a CRM without contracts): the section does not exist whatever the
 * switch says, and the settings page says so beside it.
 */
export type ServedSections =
  | 'offers'
  | 'invoices'
  | 'tasks'
  | 'projects'
  | 'tickets'
  | 'knowledgeBase'
  | 'orders'
  | 'devices'
  | 'contracts'
  | 'companyDetails';

export function switchesNotInHost(adapter: Pick<HostAdapter, ServedSections>): Set<string> {
  const served: Record<string, boolean> = {
    showProposals: Boolean(adapter.offers),
    showInvoices: Boolean(adapter.invoices),
    showTasks: Boolean(adapter.tasks),
    showProjects: Boolean(adapter.projects),
    showTickets: Boolean(adapter.tickets),
    showKnowledgeBase: Boolean(adapter.knowledgeBase),
    showOrders: Boolean(adapter.orders),
    showDevices: Boolean(adapter.devices),
    showContracts: Boolean(adapter.contracts),
    showTimeEntriesToClients: Boolean(adapter.contracts),
    allowCompanyDetailsEdit: Boolean(adapter.companyDetails),
    allowOnlinePayments: Boolean(adapter.invoices?.recordPayment),
  };
  return new Set(
    Object.entries(served)
      .filter(([, yes]) => !yes)
      .map(([key]) => key),
  );
}

export function presentSettingsPage(input: {
  workspace: HostWorkspace;
  settings: PortalSettings;
  values: SettingsFormValues;
  portalBase: string;
  /** The portal's public address (APP_URL): the sign-in link is given in full, to paste into an email. */
  appUrl: string;
  /** Why the host cannot take a new ticket now (TicketsPort.readiness), said under the tickets switch. */
  ticketsRefusal?: TicketRefusal | null;
  /** The switches of sections the host's binding does not serve at all (switchesNotInHost). */
  notInHost?: ReadonlySet<string>;
  words: Words;
}) {
  const { workspace, settings, values, portalBase, appUrl, words } = input;
  const { t, fmt } = words;
  // Sections the CRM's own settings switch off: the portal's switch cannot turn them on.
  const offInHost = new Set<string>(switchesOffInHost(workspace.sectionsOffInHost));
  return {
    switches: SECTION_SWITCHES.map((s) => ({
      key: s.key,
      label: t(`admin:settings.switches.${s.key}.label`),
      hint: t(`admin:settings.switches.${s.key}.hint`),
      warning: input.notInHost?.has(s.key)
        ? t('admin:settings.notInHost')
        : offInHost.has(s.key)
          ? t('admin:settings.offInHost')
          : s.key === 'showTickets' && input.ticketsRefusal
            ? t('admin:settings.ticketsRefused', { reason: t(`admin:settings.ticketsRefusal.${input.ticketsRefusal.refused}`) })
            : null,
      checked: values.switches[s.key] ?? false,
    })),
    loginWithCode: values.loginWithCode,
    loginWithPassword: values.loginWithPassword,
    requireTwoFactor: values.requireTwoFactor,
    portalTitle: values.portalTitle,
    defaultTitle: t('admin:settings.defaultTitle', { workspace: workspace.name }),
    primaryColor: values.primaryColor,
    maxUploadMb: values.maxUploadMb,
    securityLogDays: values.securityLogDays,
    removeLogo: values.removeLogo,
    logoUrl: settings.logoFileId ? `${portalBase}/branding/logo?v=${settings.logoFileId.slice(0, 8)}` : null,
    signInUrl: `${appUrl}${portalBase}/sign-in`,
    updatedAt: settings.updatedAt ? fmt.dateTime(settings.updatedAt) : null,
  };
}

// ---- Client users ----

interface AccessStatus {
  key: ClientUserStatus | 'not_invited';
  label: string;
  detail: string | null;
}

function presentAccessStatus(user: ClientUserRow | null, { t, fmt }: Words): AccessStatus {
  if (!user) return { key: 'not_invited', label: t('admin:clients.status.notInvited'), detail: null };
  if (user.status === 'invited')
    return {
      key: 'invited',
      label: t('admin:clients.status.invited'),
      detail: user.invited_at ? t('admin:clients.status.invitedAt', { at: fmt.dateTime(user.invited_at) }) : null,
    };
  if (user.status === 'disabled') return { key: 'disabled', label: t('admin:clients.status.disabled'), detail: null };
  return {
    key: 'active',
    label: t('admin:clients.status.active'),
    detail: user.last_sign_in_at
      ? t('admin:clients.status.lastSignIn', { at: fmt.dateTime(user.last_sign_in_at) })
      : t('admin:clients.status.neverSignedIn'),
  };
}

interface ClientUserListRow {
  contactId: string;
  clientUserId: string | null;
  name: string;
  email: string;
  status: AccessStatus;
  can: Record<ClientUserAction, boolean>;
  /** The role's name; null for a contact never invited. */
  role: string | null;
}

export interface ClientGroup {
  clientId: string;
  clientName: string;
  headingId: string;
  rows: ClientUserListRow[];
}

const byText = (a: string, b: string) => a.localeCompare(b, 'en', { sensitivity: 'base' });

/** The host's contacts, grouped by their client (company), each with its portal access. */
export function presentClientGroups(
  contacts: HostContact[],
  users: ClientUserRow[],
  roles: ReadonlyMap<string, CustomRole>,
  words: Words,
): ClientGroup[] {
  const userByContact = new Map(users.map((user) => [user.contact_id, user]));
  const groups = new Map<string, ClientGroup>();
  for (const contact of contacts) {
    const user = userByContact.get(contact.id) ?? null;
    let group = groups.get(contact.clientId);
    if (!group) {
      group = { clientId: contact.clientId, clientName: contact.clientName, headingId: '', rows: [] };
      groups.set(contact.clientId, group);
    }
    group.rows.push({
      contactId: contact.id,
      clientUserId: user?.id ?? null,
      name: contact.name,
      email: contact.email,
      status: presentAccessStatus(user, words),
      // A workspace role shows its name; one that no longer exists grants nothing and says so.
      role: user ? staffRoleName(words.t, { role: user.role, customRole: roles.get(user.client_role_id ?? '') ?? null }) : null,
      can: clientUserActions(user?.status ?? null),
    });
  }
  const sorted = [...groups.values()].sort((a, b) => byText(a.clientName, b.clientName));
  sorted.forEach((group, index) => {
    group.headingId = `client-${index + 1}`;
    group.rows.sort((a, b) => byText(a.name, b.name));
  });
  return sorted;
}

export function presentClientOptions(clients: HostClient[], selected: string | undefined) {
  return [...clients]
    .sort((a, b) => byText(a.name, b.name))
    .map((client) => ({ value: client.id, label: client.name, selected: client.id === selected }));
}

// ---- Activity ----

export interface ActivityEntryView {
  time: string;
  timeIso: string;
  who: string;
  whoDetail: string | null;
  company: string;
  event: string;
  ip: string;
  device: string;
}

export interface ActivityLookups {
  usersById: Map<string, ClientUserRow>;
  contactsById: Map<string, HostContact>;
  clientsById: Map<string, HostClient>;
}

function eventLabel(row: ActivityRow, { t, fmt }: Words): string {
  const label = activityLabel(t, row.event, row.details);
  // Access changes are made by a staff member; the log says who.
  const staffName = typeof row.details?.staffName === 'string' ? row.details.staffName : null;
  // Which record, document, task or comment it was about, as the entry recorded it.
  const subject = subjectNameOf(row, t, fmt);
  const named = subject ? `${label} — ${subject}` : label;
  return staffName ? t('admin:activity.byStaff', { what: named, name: staffName }) : named;
}

/** Changes the agency makes for many people at once name the group instead of a person. */
const WHO_WITHOUT_PERSON: Record<string, string> = {
  'client.access_changed': 'everyoneAtCompany',
  'client_role.created': 'everyoneGiven',
  'client_role.changed': 'everyoneHolding',
  'client_role.removed': 'noOne',
};

export function presentActivity(rows: ActivityRow[], lookups: ActivityLookups, words: Words): ActivityEntryView[] {
  const { t, fmt } = words;
  const nobody = (event: string) => {
    const key = WHO_WITHOUT_PERSON[event];
    return t(`admin:activity.who.${key ?? 'unknown'}`);
  };
  return rows.map((row) => {
    const user = row.client_user_id ? lookups.usersById.get(row.client_user_id) : undefined;
    const contact = user ? lookups.contactsById.get(user.contact_id) : undefined;
    const email = user?.email ?? row.email ?? null;
    const clientId = row.client_id ?? user?.client_id ?? null;
    const company = (clientId ? lookups.clientsById.get(clientId)?.name : undefined) ?? contact?.clientName ?? '—';
    const who = contact?.name ?? (user ? user.email : nobody(row.event));
    return {
      time: fmt.dateTime(row.created_at),
      timeIso: new Date(row.created_at).toISOString(),
      who,
      whoDetail: email && email !== who ? email : null,
      company,
      event: eventLabel(row, words),
      ip: row.ip ?? t('admin:activity.unknownIp'),
      device: describeDevice(row.user_agent, words),
    };
  });
}

export function presentEventOptions(selected: ActivityEvent | undefined, t: Translate) {
  return (Object.keys(ACTIVITY_EVENTS) as ActivityEvent[]).map((value) => ({
    value,
    label: activityLabel(t, value),
    selected: value === selected,
  }));
}

export interface Pagination {
  page: number;
  totalPages: number;
  total: number;
  totalCapped: boolean;
  previousHref: string | null;
  nextHref: string | null;
}

/** Previous/next links that keep the filters; page 1 is the URL without a page number. */
export function presentPagination(input: {
  path: string;
  filters: Record<string, string | undefined>;
  page: number;
  pageSize: number;
  total: number;
  /** The total stopped counting at `total`: there are more rows, and more pages, than it says. */
  totalCapped?: boolean;
}): Pagination {
  const totalPages = Math.max(1, Math.ceil(input.total / input.pageSize));
  const href = (page: number) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(input.filters)) if (value) params.set(key, value);
    if (page > 1) params.set('page', String(page));
    const query = params.toString();
    return query ? `${input.path}?${query}` : input.path;
  };
  return {
    page: input.page,
    totalPages,
    total: input.total,
    totalCapped: input.totalCapped ?? false,
    previousHref: input.page > 1 ? href(input.page - 1) : null,
    nextHref: input.page < totalPages ? href(input.page + 1) : null,
  };
}
