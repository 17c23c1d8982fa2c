// What one person of a client company may see and do in the portal. Five layers, each of which can
// only take away: the workspace's switches → what the agency hides from the person's company →
// the person's role → what the host's own client roles grant them (a host that keeps client
// permissions, e.g. Alga PSA) → what the agency hides from the person. The most restrictive wins,
// and the first layer that hides a permission is the reason given for it ("Invoices hidden: role
// Member").
//
// The resolved access is applied as the person's own copy of the workspace settings
// (effectiveSettings), so every check of portal-policy.ts, the navigation, the dashboard and the
// live streams follow the person without knowing about roles.
import type { HostClientPermissionsPort } from '../ports/host.ts';
import type { PortalSettings } from '../settings/portal-settings.ts';

export const CLIENT_PERMISSIONS = [
  'proposals',
  'invoices',
  'payments',
  'tasks',
  'projects',
  'documents',
  'uploads',
  'comments',
  'messages',
  'tickets',
  'knowledge',
  'requests',
  'appointments',
  'approvals',
  'companyDetails',
  'orders',
  'devices',
  'contracts',
] as const;
export type ClientPermission = (typeof CLIENT_PERMISSIONS)[number];

/**
 * The workspace switch each permission narrows.
 * A section stands on its permission's switch (portal-policy.ts), so a permission hidden from a
 * person hides the section from them too.
 */
export const SWITCH_OF: Record<
  ClientPermission,
  | 'showProposals'
  | 'showInvoices'
  | 'allowOnlinePayments'
  | 'showTasks'
  | 'showProjects'
  | 'showTickets'
  | 'showKnowledgeBase'
  | 'showRequests'
  | 'showAppointments'
  | 'showApprovals'
  | 'allowCompanyDetailsEdit'
  | 'showOrders'
  | 'showDevices'
  | 'showContracts'
  | 'showDocuments'
  | 'allowFileUploads'
  | 'allowComments'
  | 'allowMessaging'
> = {
  proposals: 'showProposals',
  invoices: 'showInvoices',
  payments: 'allowOnlinePayments',
  tasks: 'showTasks',
  projects: 'showProjects',
  documents: 'showDocuments',
  uploads: 'allowFileUploads',
  comments: 'allowComments',
  messages: 'allowMessaging',
  tickets: 'showTickets',
  knowledge: 'showKnowledgeBase',
  requests: 'showRequests',
  appointments: 'showAppointments',
  approvals: 'showApprovals',
  companyDetails: 'allowCompanyDetailsEdit',
  orders: 'showOrders',
  devices: 'showDevices',
  contracts: 'showContracts',
};

export type BuiltInRole = 'admin' | 'full' | 'billing' | 'member';
export type ClientRoleKey = BuiltInRole | 'custom';

export interface BuiltInRoleDefinition {
  /** In English, for what is stored; the pages name and describe a role from locales (staff:roles.builtIn, team:roles). */
  label: string;
  permissions: readonly ClientPermission[];
  /** Manages their colleagues from the portal (invites, roles, disabling). */
  managesColleagues: boolean;
}

export const BUILT_IN_ROLES: Record<BuiltInRole, BuiltInRoleDefinition> = {
  admin: {
    label: 'Client admin',
    permissions: CLIENT_PERMISSIONS,
    managesColleagues: true,
  },
  full: {
    label: 'Full access',
    // Changing the company's own details (companyDetails) is the client admin's alone.
    permissions: CLIENT_PERMISSIONS.filter((permission) => permission !== 'companyDetails'),
    managesColleagues: false,
  },
  billing: {
    label: 'Billing',
    permissions: ['invoices', 'payments', 'documents', 'comments', 'knowledge', 'contracts'],
    managesColleagues: false,
  },
  member: {
    label: 'Member',
    permissions: [
      'proposals',
      'tasks',
      'projects',
      'documents',
      'uploads',
      'comments',
      'messages',
      'tickets',
      'knowledge',
      'requests',
      'appointments',
      'approvals',
      'orders',
      'devices',
      'contracts',
    ],
    managesColleagues: false,
  },
};

export const BUILT_IN_ROLE_KEYS = Object.keys(BUILT_IN_ROLES) as BuiltInRole[];

/** A role the workspace defined (client_roles). */
export interface CustomRole {
  id: string;
  name: string;
  permissions: readonly string[];
}

/** Everything the layers above the workspace say about one person, as stored. */
export interface ClientAccess {
  role: ClientRoleKey;
  /** With role 'custom': the role, or null when it no longer exists (then it grants nothing). */
  customRole: CustomRole | null;
  /** What the agency hides from the person's company. */
  clientDenied: readonly string[];
  /** What the agency hides from this person. */
  personDenied: readonly string[];
  /**
   * The `resource:action` pairs the host's own client roles grant the person, as the host read them
   * for this request (HostClientPermissionsPort); absent where the host keeps no client permissions.
   */
  hostGrants?: ReadonlySet<string>;
}

/**
 * What the host's client roles must grant for each permission, for managing colleagues, and for
 * the sections the portal has not got yet (so they are gated the same way the day they come),
 * named as Alga PSA's own client portal checks them (its client-portal actions; Alga is the host
 * with client roles):
 * - quotations, invoices and their PDFs → billing read; so is accepting or declining a quote
 *   (Alga's acceptClientQuote asks billing read, nothing more) and paying (Alga's payment link asks
 *   only that the invoice is the company's, and its invoice pages are gated by billing read);
 * - shared documents → document read; uploading → document create;
 * - tasks, which Alga shows inside its client projects → project read; marking one done or
 *   reopening it → project update (mayChangeTasks), the permission Alga asks before moving a task
 *   to another column (packages/projects/src/actions/projectTaskActions.ts updateTaskStatus:
 *   checkPermission(user, 'project', 'update')). Alga's own client portal offers no task write at
 *   all (client-portal-actions/client-project-details.ts only reads tasks), so only a role that
 *   holds that permission may (Alga's seeded client Admin; not User or Finance, read only);
 * - the team page (colleagues, their roles, invitations) → user read and update;
 * - client projects → project read, as Alga's client project pages ask;
 * - the knowledge base → document read, as Alga's client knowledge base asks
 *   (client-portal-actions/client-kb.ts: hasPermission(user, 'document', 'read'));
 * - support tickets → ticket read; opening one also asks ticket create (mayOpenTickets), and
 *   replying, closing, reopening and rating ask ticket update (mayActOnTickets);
 * - service and quote requests → Alga's client portal asks nothing of the client's roles to list
 *   published definitions or submit one (request-services/[definitionId]/actions.ts checks only
 *   that the user is a client of the tenant): the host's roles do not narrow them;
 * - later: the company's profile → client read (editing it: client update).
 * Comments and messages are the portal's own threads (Alga's comments belong to tickets): the
 * host's roles do not narrow them. An empty list asks nothing of the host.
 */
const HOST_GRANTS_NEEDED = {
  proposals: ['billing:read'],
  invoices: ['billing:read'],
  payments: ['billing:read'],
  documents: ['document:read'],
  uploads: ['document:create'],
  tasks: ['project:read'],
  taskUpdate: ['project:update'],
  comments: [],
  messages: [],
  colleagues: ['user:read', 'user:update'],
  tickets: ['ticket:read'],
  ticketCreate: ['ticket:create'],
  ticketUpdate: ['ticket:update'],
  projects: ['project:read'],
  knowledge: ['document:read'],
  requests: [],
  // Alga's client portal asks no client permission to book or cancel (appointmentRequestActions.ts:
  // withAuth and a client user with a contact, nothing more).
  appointments: [],
  // Work shared for approval is a document, as Alga keeps it (documents, document_versions).
  approvals: ['document:read'],
  // Alga PSA keeps no orders (no OrdersPort there): what its billing pages ask, should a host with
  // client roles and orders come.
  orders: ['billing:read'],
  // Alga's client portal asks no client permission to list a client's devices (client-assets.ts:
  // withAuth and the contact's client, nothing more; its seeded asset permissions are staff's only).
  devices: [],
  // Contracts and their usage: Alga's billing page asks billing read (client-billing-metrics.ts:
  // hasClientBillingReadPermission before every figure).
  contracts: ['billing:read'],
  companyProfile: ['client:read'],
  companyProfileEdit: ['client:update'],
  // Changing the company's details: Alga's client settings page writes the client's locations
  // under client update and nothing else (clientLocationActions.ts updateClientLocation:
  // assertMspOrClientPortalOwnClientPermission(..., 'client', 'update')), whatever else the
  // person's roles hold; beside such a host the portal's role does not narrow it (HOST_DECIDES).
  companyDetails: ['client:update'],
} as const satisfies Record<ClientPermission | 'colleagues', readonly string[]> & Record<string, readonly string[]>;

/**
 * What a host that keeps client permissions decides alone, past the portal's roles: beside Alga PSA
 * who may change the company's details is whom Alga's client update lets change the client's
 * locations, a Full access or Member person as much as a client admin, as Alga's own client
 * settings let them. The workspace's switch and what the agency hides still take it away; where
 * the host keeps no client permissions the portal's roles decide (the client admin's alone).
 */
const HOST_DECIDES: ReadonlySet<ClientPermission> = new Set(['companyDetails']);

/** Whether the person's role grants it, or the host's roles decide it instead (HOST_DECIDES). */
function roleLayerAllows(access: Pick<ClientAccess, 'role' | 'customRole' | 'hostGrants'>, permission: ClientPermission): boolean {
  return (access.hostGrants !== undefined && HOST_DECIDES.has(permission)) || roleGrants(access, permission);
}

/** Whether the host's roles allow this (true where the host keeps no client permissions). */
function hostAllows(access: Pick<ClientAccess, 'hostGrants'>, needed: readonly string[]): boolean {
  const grants = access.hostGrants;
  return grants === undefined || needed.every((grant) => grants.has(grant));
}

/**
 * Of these people, those whom the host's client roles let see `permission`, for work done outside a
 * request (notifications, their daily email, reminders): one question to the host for all of them,
 * never one per person. Everyone where the host keeps no client permissions; a contact the host
 * does not answer for holds nothing.
 */
export async function seenByHost<T extends { contact_id: string }>(
  host: HostClientPermissionsPort | undefined,
  workspaceId: string,
  people: readonly T[],
  permission: ClientPermission,
): Promise<T[]> {
  if (!host || people.length === 0) return [...people];
  const held = await host.of(workspaceId, [...new Set(people.map((person) => person.contact_id))]);
  return people.filter((person) => hostPermits(held.get(person.contact_id) ?? new Set(), permission));
}

/** Whether grants the host answered (HostClientPermissionsPort) allow `permission`; true without an answer (no such port). */
export function hostPermits(grants: ReadonlySet<string> | undefined, permission: ClientPermission): boolean {
  return grants === undefined || HOST_GRANTS_NEEDED[permission].every((grant) => grants.has(grant));
}

/**
 * A role as forms send it (a built-in key, or `custom:<id>` of one of the workspace's roles), or
 * null when it names no role there is.
 */
export function roleFromForm(
  value: string,
  roles: readonly CustomRole[],
): { role: BuiltInRole; clientRoleId: null; customRole: null } | { role: 'custom'; clientRoleId: string; customRole: CustomRole } | null {
  if ((BUILT_IN_ROLE_KEYS as readonly string[]).includes(value))
    return { role: value as BuiltInRole, clientRoleId: null, customRole: null };
  const id = value.startsWith('custom:') ? value.slice('custom:'.length) : '';
  const customRole = roles.find((role) => role.id === id);
  return customRole ? { role: 'custom', clientRoleId: customRole.id, customRole } : null;
}

export const FULL_ACCESS: ClientAccess = { role: 'full', customRole: null, clientDenied: [], personDenied: [] };

type AccessLayer = 'workspace' | 'client' | 'role' | 'host' | 'person';

export interface PermissionVerdict {
  permission: ClientPermission;
  allowed: boolean;
  /** The first layer that hides it; null when allowed. */
  hiddenBy: AccessLayer | null;
}

/**
 * Whether settings allow a permission. Asked of a person's effective settings, it is whether the
 * person has it (each layer that hides it switched it off there).
 */
export function permits(settings: PortalSettings, permission: ClientPermission): boolean {
  return workspaceAllows(settings, permission);
}

function workspaceAllows(settings: PortalSettings, permission: ClientPermission): boolean {
  // Paying goes with invoices: there is nothing to pay without them.
  if (permission === 'payments') return settings.allowOnlinePayments && settings.showInvoices;
  return settings[SWITCH_OF[permission]];
}

function roleGrants(access: Pick<ClientAccess, 'role' | 'customRole'>, permission: ClientPermission): boolean {
  if (access.role === 'custom') return access.customRole?.permissions.includes(permission) ?? false;
  const role = BUILT_IN_ROLES[access.role] as BuiltInRoleDefinition | undefined;
  return role?.permissions.includes(permission) ?? false;
}

/** Each permission, allowed or hidden, and by which layer (outermost first). */
export function resolveAccess(settings: PortalSettings, access: ClientAccess): PermissionVerdict[] {
  return CLIENT_PERMISSIONS.map((permission) => {
    const hiddenBy: AccessLayer | null = !workspaceAllows(settings, permission)
      ? 'workspace'
      : access.clientDenied.includes(permission)
        ? 'client'
        : !roleLayerAllows(access, permission)
          ? 'role'
          : !hostAllows(access, HOST_GRANTS_NEEDED[permission])
            ? 'host'
            : access.personDenied.includes(permission)
              ? 'person'
              : null;
    return { permission, allowed: hiddenBy === null, hiddenBy };
  });
}

/**
 * Whether a person lacks a permission because the workspace has it switched off ('workspace') or
 * because their own access does not include it (their company, role or person: 'access'), so a
 * page can tell them whom to ask; null when they have it.
 */
export function withheldBy(
  workspaceSettings: PortalSettings,
  access: ClientAccess,
  permission: ClientPermission,
): 'workspace' | 'access' | null {
  const verdict = resolveAccess(workspaceSettings, access).find((v) => v.permission === permission);
  if (!verdict || verdict.hiddenBy === null) return null;
  return verdict.hiddenBy === 'workspace' ? 'workspace' : 'access';
}

/** The workspace's settings as they apply to this person: every switch the person's access turns off, off. */
export function effectiveSettings(settings: PortalSettings, access: ClientAccess): PortalSettings {
  const own: PortalSettings = { ...settings };
  for (const verdict of resolveAccess(settings, access)) {
    if (verdict.allowed) continue;
    if (verdict.permission === 'payments') own.allowOnlinePayments = false;
    else own[SWITCH_OF[verdict.permission]] = false;
  }
  return Object.freeze(own);
}

/**
 * Whether a client admin with access `grantor` may change a colleague from `before` to `after`:
 * nothing the colleague would newly see may be hidden from the grantor. What the colleague already
 * had stays theirs (the agency gave it); a client admin cannot hand on more than they have.
 */
export function grantsWithin(settings: PortalSettings, grantor: ClientAccess, before: ClientAccess, after: ClientAccess): boolean {
  const has = (access: ClientAccess) =>
    new Set(
      resolveAccess(settings, access)
        .filter((v) => v.allowed)
        .map((v) => v.permission),
    );
  const mine = has(grantor);
  const had = has(before);
  return [...has(after)].every((permission) => had.has(permission) || mine.has(permission));
}

/**
 * The roles a client admin may give a colleague they invite, as forms send them: those under which
 * the colleague would see nothing hidden from the admin (grantsWithin, starting from no access at
 * all, since the colleague has none yet). The invite form offers these, and the invitation checks
 * the one sent against them.
 */
export function grantableRoles(settings: PortalSettings, grantor: ClientAccess, roles: readonly CustomRole[]): string[] {
  const none: ClientAccess = { role: 'custom', customRole: null, clientDenied: grantor.clientDenied, personDenied: [] };
  const candidates: Array<{ value: string; access: ClientAccess }> = [
    ...BUILT_IN_ROLE_KEYS.map((role) => ({ value: role, access: { ...none, role } })),
    ...roles.map((customRole) => ({ value: `custom:${customRole.id}`, access: { ...none, customRole } })),
  ];
  return candidates.filter((candidate) => grantsWithin(settings, grantor, none, candidate.access)).map((candidate) => candidate.value);
}

/** A client admin whose host roles (where the host keeps them) let them see and change their colleagues. */
export function managesColleagues(access: Pick<ClientAccess, 'role' | 'hostGrants'>): boolean {
  return access.role !== 'custom' && BUILT_IN_ROLES[access.role].managesColleagues && hostAllows(access, HOST_GRANTS_NEEDED.colleagues);
}

/** Whether the host's roles (where it keeps them) let the person open a new ticket, beyond reading them. */
export function mayOpenTickets(access: Pick<ClientAccess, 'hostGrants'>): boolean {
  return hostAllows(access, HOST_GRANTS_NEEDED.ticketCreate);
}

/**
 * Whether the host's roles let the person act on a ticket: reply, close, reopen, rate. Alga PSA's
 * own client portal asks ticket update for each (its addClientTicketComment, updateClientTicketStatus).
 */
export function mayActOnTickets(access: Pick<ClientAccess, 'hostGrants'>): boolean {
  return hostAllows(access, HOST_GRANTS_NEEDED.ticketUpdate);
}

/**
 * Whether the host's roles let the person mark a task done or reopen it, beyond seeing it: Alga PSA
 * asks project update to move a task (see HOST_GRANTS_NEEDED.taskUpdate).
 */
export function mayChangeTasks(access: Pick<ClientAccess, 'hostGrants'>): boolean {
  return hostAllows(access, HOST_GRANTS_NEEDED.taskUpdate);
}

/**
 * Whether the host's roles (where it keeps them) let the person read their company's details:
 * Alga's client settings page asks client read (ClientDetailsSettings.tsx). Changing them is the
 * companyDetails permission (allow.company('companyDetails')).
 */
export function mayReadCompanyDetails(access: Pick<ClientAccess, 'hostGrants'>): boolean {
  return hostAllows(access, HOST_GRANTS_NEEDED.companyProfile);
}

/** The role's name in English, as the activity log and exports keep it (the staff pages say staffRoleName). */
export function roleName(access: Pick<ClientAccess, 'role' | 'customRole'>): string {
  if (access.role === 'custom') return access.customRole?.name ?? 'a role that was removed';
  return BUILT_IN_ROLES[access.role].label;
}
