// The adapter ports: everything the portal needs from the host CRM, and nothing more.
// A host binding in plugins/<crm>/ implements HostAdapter. Ids are strings so integer, uuid and
// composite-key hosts all fit; every lookup takes the workspace id so no port can answer across
// tenants.
import type { Request } from 'express';

export type HostId = string;

export interface HostWorkspace {
  id: HostId;
  slug: string;
  name: string;
  /** Absolute or root-relative URL of the host's logo, if it has one. */
  logoUrl: string | null;
  /** '#rrggbb', if the host keeps a brand colour. */
  brandColor: string | null;
}

export interface HostClient {
  id: HostId;
  workspaceId: HostId;
  name: string;
}

export interface HostContact {
  id: HostId;
  workspaceId: HostId;
  clientId: HostId;
  clientName: string;
  name: string;
  email: string;
  phone: string | null;
}

export interface HostStaffUser {
  id: HostId;
  workspaceId: HostId;
  name: string;
  email: string;
  role: 'admin' | 'member';
}

export interface WorkspacesPort {
  findBySlug(slug: string): Promise<HostWorkspace | null>;
  findById(id: HostId): Promise<HostWorkspace | null>;
}

export interface ClientsPort {
  list(workspaceId: HostId): Promise<HostClient[]>;
  findById(workspaceId: HostId, clientId: HostId): Promise<HostClient | null>;
}

export interface ContactsPort {
  findById(workspaceId: HostId, contactId: HostId): Promise<HostContact | null>;
  /** Case-insensitive; a host may hold the same email on several contacts. */
  findByEmail(workspaceId: HostId, email: string): Promise<HostContact[]>;
  list(workspaceId: HostId, filter?: { clientId?: HostId }): Promise<HostContact[]>;
  /** The client edits their own name and phone from the account page. */
  updateProfile(workspaceId: HostId, contactId: HostId, profile: { name: string; phone: string | null }): Promise<HostContact | null>;
}

export interface StaffPort {
  /** The signed-in staff user of the host's own session, or null. The portal never reads the host cookie itself. */
  current(req: Request): Promise<HostStaffUser | null>;
}

export interface MoneyTotal {
  currency: string;
  cents: number;
}

/** What the dashboard shows of one client: counts the host computes in a few queries. */
export interface ClientSummary {
  proposals: { open: number; total: number };
  quotations: { open: number; total: number };
  invoices: { unpaid: number; overdue: number; outstanding: MoneyTotal[] };
  /** Open tasks assigned to this contact. */
  tasks: { open: number };
  documents: { shared: number };
}

export interface SummariesPort {
  forClient(workspaceId: HostId, clientId: HostId, contactId: HostId): Promise<ClientSummary>;
}

export interface HostAdapter {
  /** Shown in logs and the audit report. */
  name: string;
  workspaces: WorkspacesPort;
  clients: ClientsPort;
  contacts: ContactsPort;
  staff: StaffPort;
  summaries: SummariesPort;
}
