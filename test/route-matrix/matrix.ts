// The isolation matrix's vocabulary. Each feature lists its client routes in a file of its own in
// this folder (`<feature>.routes.ts`, exporting `routes: MatrixRoute[]`); test/portal/route-matrix
// .test.ts runs every entry through the same cases and fails on any client route of the portal
// that no file lists, so a new route cannot ship without them.
import type { PortalHarness } from '../support/portal-harness.ts';
import type { HostApprovalFilesPort } from '../../src/features/approvals/port.ts';
import type { ClientPermission } from '../../src/core/policies/client-access.ts';
import type { SectionSwitch } from '../../src/core/settings/portal-settings.ts';

/** The seeded people the matrix signs in as. */
export interface MatrixWorld {
  h: PortalHarness;
  /** Maria García of Northwind in workspace `demo`: the owner of every record a route is asked for. */
  owner: { email: string; password: string };
  /** Priya Nair of Bluebell: another client of the same workspace. */
  otherClient: { email: string; password: string };
  /** Hana Sato of Lumen Coffee, a client of workspace `acme`. */
  otherWorkspace: { email: string; password: string };
  /** Beside a host that keeps only the files of approvals: where it keeps them. */
  approvalFiles?: HostApprovalFilesPort;
}

export interface MatrixRoute {
  method: 'GET' | 'POST';
  /** The path as the feature router declares it, e.g. '/proposals/:id'. */
  path: string;
  /** The URL below /portal/demo for a record of the owner (begins with '/'). */
  url(world: MatrixWorld): string | Promise<string>;
  /** Fields a POST sends besides the CSRF token: enough to pass validation. */
  form?: Record<string, string>;
  /** Fields worked out for each request instead of `form` (a record made ready first). */
  formFor?: (world: MatrixWorld) => Promise<Record<string, string>>;
  /** Only a client admin has the route (the team page): every other role gets 404. */
  clientAdmin?: true;
  /** True when the route shows or changes one client's record: other clients get 404. */
  ownedByClient: boolean;
  /** The admin switches that take this route away (404 while any of them is off). */
  switches?: SectionSwitch[];
  /**
   * Client permissions the route needs besides those of its switches (documents have no switch):
   * a person whose role, company or own setting lacks any of them gets 404.
   */
  permissions?: ClientPermission[];
  /**
   * What the owner gets, checked last (after every refusal), so a route that answers 404 to
   * everyone cannot pass. Default: GET 200; POST any status below 400 other than... see test.
   */
  ownerStatus?: number[];
}

/** The client permission each workspace switch goes with (the switches a role or override narrows). */
const PERMISSION_OF: Partial<Record<SectionSwitch, ClientPermission>> = {
  showProposals: 'proposals',
  showInvoices: 'invoices',
  allowOnlinePayments: 'payments',
  showTasks: 'tasks',
  showProjects: 'projects',
  allowFileUploads: 'uploads',
  allowComments: 'comments',
  allowMessaging: 'messages',
  showTickets: 'tickets',
  showKnowledgeBase: 'knowledge',
  showRequests: 'requests',
  showAppointments: 'appointments',
  showApprovals: 'approvals',
  allowCompanyDetailsEdit: 'companyDetails',
  showOrders: 'orders',
  showDevices: 'devices',
  showContracts: 'contracts',
};

/** Every client permission a route needs: those of its switches and those it names. */
export function neededPermissions(route: MatrixRoute): ClientPermission[] {
  const fromSwitches = (route.switches ?? []).map((s) => PERMISSION_OF[s]).filter((p): p is ClientPermission => p !== undefined);
  return [...new Set([...fromSwitches, ...(route.permissions ?? [])])];
}
