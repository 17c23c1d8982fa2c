// Who may do what in the portal. Every rule lives here; routes call these and nothing else decides.
// A section the workspace has switched off does not exist for its clients (404), the same answer
// as a page that was never there.
import type { HostStaffUser } from '../ports/host.ts';
import type { PortalSettings } from '../settings/portal-settings.ts';
import type { ClientUserStatus } from './client-user-policy.ts';
import { forbidden, notFound } from '../http/http-error.ts';
import { type ClientPermission, SWITCH_OF } from './client-access.ts';

/** The sections, in the order the navigation and the checks list them. */
export const PORTAL_SECTIONS = [
  'proposals',
  'quotations',
  'invoices',
  'tasks',
  'projects',
  'documents',
  'messages',
  'tickets',
  'knowledge',
  'requests',
  'appointments',
  'approvals',
  'orders',
  'devices',
  'contracts',
] as const satisfies ReadonlyArray<ClientPermission | 'quotations'>;
export type PortalSection = (typeof PORTAL_SECTIONS)[number];

/** The settings switch each section stands on: its permission's (SWITCH_OF), quotations sharing proposals'. */
const sectionSwitch = (section: PortalSection): keyof PortalSettings => SWITCH_OF[section === 'quotations' ? 'proposals' : section];

const isSection = (name: string): name is PortalSection => (PORTAL_SECTIONS as readonly string[]).includes(name);

/** The settings switches of the sections a host switched off (HostWorkspace.sectionsOffInHost); names it does not know are none. */
export function switchesOffInHost(sections: readonly string[] | undefined): Array<keyof PortalSettings> {
  return [...new Set((sections ?? []).filter(isSection).map((section) => sectionSwitch(section)))];
}

/** The settings with the host's switched-off sections off: what every page and check of the workspace sees. */
export function withSectionsOffInHost(settings: PortalSettings, sections: readonly string[] | undefined): PortalSettings {
  const off = switchesOffInHost(sections);
  return off.length === 0 ? settings : { ...settings, ...Object.fromEntries(off.map((key) => [key, false])) };
}

export function canSeeSection(settings: PortalSettings, section: PortalSection): boolean {
  return settings[sectionSwitch(section)] === true;
}

export function visibleSections(settings: PortalSettings): PortalSection[] {
  return PORTAL_SECTIONS.filter((section) => canSeeSection(settings, section));
}

/** The section a record of the portal belongs to, by the type a notification names it with. */
const SECTION_OF_RECORD: Record<string, PortalSection> = {
  proposal: 'proposals',
  quotation: 'quotations',
  invoice: 'invoices',
  task: 'tasks',
  project: 'projects',
  document: 'documents',
  message: 'messages',
  ticket: 'tickets',
  request: 'requests',
  appointment: 'appointments',
  approval: 'approvals',
  order: 'orders',
  contract: 'contracts',
};

/**
 * Whether a person may open the record something is attached to (a document, a task, a comment):
 * the record's own section, under the person's effective settings, as its own page asks (a
 * project's documents go with the projects section, so its title stays with those who may see
 * it). Nothing attached (null) opens with whatever carries it; a type the portal does not know
 * never does.
 */
export function canOpenRecord(settings: PortalSettings, record: { type: string } | null): boolean {
  if (record === null) return true;
  const section = Object.hasOwn(SECTION_OF_RECORD, record.type) ? SECTION_OF_RECORD[record.type] : undefined;
  return section !== undefined && canSeeSection(settings, section);
}

/** Of things attached to records, those whose record the person may open: a list shows only these. */
export function attachedToOpenRecords<T extends { record: { type: string } | null }>(settings: PortalSettings, items: readonly T[]): T[] {
  return items.filter((item) => canOpenRecord(settings, item.record));
}

/**
 * A thing the person may see for itself (a task assigned to the company) that names a record they
 * may not open: shown without the record, so its number and title stay out of the page.
 */
export function withoutClosedRecord<T extends { record: { type: string } | null }>(settings: PortalSettings, item: T): T {
  return canOpenRecord(settings, item.record) ? item : { ...item, record: null };
}

/**
 * Of a count of things some of which belong to records (`attached`, per record type), how many the
 * person may open: those of a record type they cannot open do not count. A count the host stopped
 * at its limit (more than `limit`, its breakdown only of the rows it read) stays "more than the
 * limit" for a person who may open every record type, and is not known for one who may not: null,
 * rather than a number that counts what they cannot open or misses what they can.
 */
export function countOpenToPerson(
  settings: PortalSettings,
  total: number,
  attached: Record<string, number> | undefined,
  limit: number,
): number | null {
  let hidden = 0;
  for (const [type, count] of Object.entries(attached ?? {})) if (!canOpenRecord(settings, { type })) hidden += Number(count);
  if (total > limit)
    return (['proposal', 'quotation', 'invoice'] as const).every((type) => canOpenRecord(settings, { type })) ? total : null;
  return Math.max(0, total - hidden);
}

/** Of counts per record type, the total a person with these settings may see (a type they cannot see counts nothing). */
export function countVisible(countsByRecordType: Record<string, number> | null, settings: PortalSettings): number {
  let total = 0;
  for (const [type, count] of Object.entries(countsByRecordType ?? {})) {
    if (Object.hasOwn(SECTION_OF_RECORD, type) && canOpenRecord(settings, { type })) total += Number(count);
  }
  return total;
}

export function authorizeSection(settings: PortalSettings, section: PortalSection): void {
  if (!canSeeSection(settings, section)) throw notFound();
}

export type ClientAction = 'upload_file' | 'comment' | 'message' | 'pay_online';

const ACTION_RULES: Record<ClientAction, (s: PortalSettings) => boolean> = {
  upload_file: (s) => s.allowFileUploads,
  comment: (s) => s.allowComments,
  message: (s) => s.allowMessaging,
  pay_online: (s) => s.allowOnlinePayments && s.showInvoices,
};

export function canClient(settings: PortalSettings, action: ClientAction): boolean {
  return ACTION_RULES[action](settings);
}

export function authorizeClient(settings: PortalSettings, action: ClientAction): void {
  if (!canClient(settings, action)) throw forbidden('Your agency has not enabled this in the portal.');
}

/** An action the workspace has not enabled does not exist for its clients: 404, like a switched-off section. */
export function requireClientAction(settings: PortalSettings, action: ClientAction): void {
  if (!canClient(settings, action)) throw notFound();
}

/** A client may delete their own upload until agency staff have opened it; never a host document. */
export function canDeleteUpload(upload: { staff_opened_at: Date | null }): boolean {
  return upload.staff_opened_at === null;
}

/**
 * Paying from the portal: with online payments or invoices switched off the pay pages do not
 * exist (404), like a section that is off, rather than a refusal that admits they are there.
 */
export function authorizePayment(settings: PortalSettings): void {
  if (!canClient(settings, 'pay_online')) throw notFound();
}

/**
 * The pay page of one invoice: where the client may pay online, or where invoices are shown and
 * there is a bank transfer to describe (the host's bank details on the invoice, or the admin's
 * transfer instructions), whether online payments are on or not. Those details are on the invoice
 * PDF the client can already download: the page adds the amount due and a code to scan, nothing
 * the client could not see. Otherwise the page does not exist (404).
 */
export function authorizePayPage(settings: PortalSettings, ways: { online: boolean; bankTransfer: boolean }): void {
  if (ways.online && canClient(settings, 'pay_online')) return;
  if (ways.bankTransfer && canSeeSection(settings, 'invoices')) return;
  throw notFound();
}

/**
 * Whether a record's thread is there for the client: a request's is the request's own conversation
 * with the agency, there for whoever may open the request (its section); the threads on proposals,
 * quotations and invoices stand on the comments switch.
 */
export function canUseThread(settings: PortalSettings, type: string): boolean {
  return type === 'request' ? canSeeSection(settings, 'requests') : canClient(settings, 'comment');
}

/**
 * The comment thread's form: switched off, it does not exist (404), as a section switched off does;
 * the page then shows no form at all.
 */
export function authorizeCommenting(settings: PortalSettings): void {
  if (!canClient(settings, 'comment')) throw notFound();
}

// What a client's live stream may pass on: an event of a section the client cannot see now is not
// sent (the page it would refresh is a 404 by now). A type not listed here is never sent to a
// client: a new kind of event is hidden until someone decides who may see it.
const COMMENTED_RECORDS: ReadonlySet<string> = new Set(['proposal', 'quotation', 'invoice', 'request']);

const LIVE_EVENT_RULES: Record<string, (s: PortalSettings, data: Record<string, unknown>) => boolean> = {
  'message-created': (s) => canSeeSection(s, 'messages'),
  // Read receipts, and the conversation's assignment, belong to the conversation.
  'message-read': (s) => canSeeSection(s, 'messages'),
  'conversation-changed': (s) => canSeeSection(s, 'messages'),
  'task-changed': (s) => canSeeSection(s, 'tasks'),
  'document-changed': (s) => canSeeSection(s, 'documents'),
  // A ticket's answer, status or attachment: its page and the list refresh.
  'ticket-changed': (s) => canSeeSection(s, 'tickets'),
  'request-changed': (s) => canSeeSection(s, 'requests'),
  // An appointment confirmed, declined, moved or cancelled: its page and the list refresh.
  'appointment-changed': (s) => canSeeSection(s, 'appointments'),
  // A thread shows under a record of a section the client sees, with comments on (a request's: always).
  'comment-created': (s, data) => {
    const type = typeof data.subjectType === 'string' ? data.subjectType : '';
    return COMMENTED_RECORDS.has(type) && canUseThread(s, type) && canOpenRecord(s, { type });
  },
};

/** Whether a live event may go to a client's stream under the workspace's settings now. */
export function canClientSeeLiveEvent(settings: PortalSettings, event: { type: string; data: Record<string, unknown> }): boolean {
  const rule = Object.hasOwn(LIVE_EVENT_RULES, event.type) ? LIVE_EVENT_RULES[event.type] : undefined;
  return rule ? rule(settings, event.data ?? {}) : false;
}

/** Only an active client user is signed in; invited users become active by signing in. */
export function mayUsePortal(status: ClientUserStatus): boolean {
  return status !== 'disabled';
}

export function signInMethods(settings: PortalSettings): { code: boolean; password: boolean } {
  // A workspace always keeps at least one way in; the admin form refuses to switch off both.
  if (!settings.loginWithCode && !settings.loginWithPassword) return { code: true, password: false };
  return { code: settings.loginWithCode, password: settings.loginWithPassword };
}

/** Workspace admins manage the portal; members may not. */
export function canManagePortal(staff: HostStaffUser, workspaceId: string): boolean {
  return staff.workspaceId === workspaceId && staff.role === 'admin';
}

export function authorizeManagePortal(staff: HostStaffUser, workspaceId: string): void {
  if (!canManagePortal(staff, workspaceId)) throw forbidden('Only workspace admins can change the client portal settings.');
}

/**
 * Every staff member of the workspace reads a record's evidence (its page, the signed PDF, the
 * drawn signature), unless the host's own rights refuse them that kind of record
 * (HostStaffUser.readsRecords); its forms (public links, comments, viewing as a client) are the admins'.
 */
export function canReadRecordEvidence(staff: HostStaffUser, workspaceId: string, kind?: string): boolean {
  if (staff.workspaceId !== workspaceId) return false;
  const reads = staff.readsRecords;
  return !(kind !== undefined && reads && Object.hasOwn(reads, kind) && reads[kind as keyof typeof reads] === false);
}

export function authorizeReadRecordEvidence(staff: HostStaffUser, workspaceId: string, kind?: string): void {
  if (staff.workspaceId !== workspaceId) throw forbidden('Only staff of this workspace can read its records.');
  if (!canReadRecordEvidence(staff, workspaceId, kind)) throw forbidden('Your CRM account has no right to read these records.');
}

/** What the UI may offer, from the same rules. */
export function clientCan(settings: PortalSettings): Record<ClientAction, boolean> {
  return {
    upload_file: canClient(settings, 'upload_file'),
    comment: canClient(settings, 'comment'),
    message: canClient(settings, 'message'),
    pay_online: canClient(settings, 'pay_online'),
  };
}

/** Every staff member of the workspace reads and answers its client messages (not only admins). */
export function canAnswerMessages(staff: HostStaffUser, workspaceId: string): boolean {
  return staff.workspaceId === workspaceId;
}

export function authorizeAnswerMessages(staff: HostStaffUser, workspaceId: string): void {
  if (!canAnswerMessages(staff, workspaceId)) throw forbidden('Only staff of this workspace can read its client messages.');
}

/**
 * Every staff member of the workspace shares work for its clients' approval and reads their
 * decisions (as a CRM's own approvals page lets any staff member), where the portal keeps approvals.
 */
function canShareApprovals(staff: HostStaffUser, workspaceId: string): boolean {
  return staff.workspaceId === workspaceId;
}

export function authorizeShareApprovals(staff: HostStaffUser, workspaceId: string): void {
  if (!canShareApprovals(staff, workspaceId)) throw forbidden('Only staff of this workspace can share work for its clients’ approval.');
}

/** A conversation is assigned only to staff of the same workspace. */
export function authorizeAssignee(assignee: HostStaffUser | null, workspaceId: string): void {
  if (assignee && assignee.workspaceId !== workspaceId) throw notFound();
}
