// The host port of the client company's own details (CompanyDetailsPort): what the portal needs from
// the host CRM for this feature, beside the core's ports (src/core/ports/host.ts). A host binding
// implements it; the declaration at the end adds it to HostAdapter, so the core names no feature.
import type { HostId, HostWrite } from '../../core/index.ts';

/**
 * A client company's own details as the host keeps them on its record: the postal address its
 * invoices carry, where invoices are emailed, its VAT or tax id and its phone. A part the host does
 * not keep is null.
 */
export interface CompanyDetails {
  addressLine1: string | null;
  addressLine2: string | null;
  postalCode: string | null;
  city: string | null;
  /** ISO 3166-1 alpha-2, upper case. */
  countryCode: string | null;
  billingEmail: string | null;
  phone: string | null;
  taxId: string | null;
}

export type CompanyDetailsField = keyof CompanyDetails;

/** Every field, in the order the Company page shows them; a host that lets a client change all lists these as editable. */
export const COMPANY_DETAILS_FIELDS: readonly CompanyDetailsField[] = [
  'addressLine1',
  'addressLine2',
  'postalCode',
  'city',
  'countryCode',
  'billingEmail',
  'phone',
  'taxId',
];

/** One field a change wrote: its value before and after. */
export interface CompanyDetailsChange {
  field: CompanyDetailsField;
  from: string | null;
  to: string | null;
}

/**
 * The company's details, read and changed by its client admin, written to the host's own record as
 * the host's own screen writes it (the columns, the modification stamp, the tenant or entity). Every
 * query scoped by workspace and client.
 */
export interface CompanyDetailsPort {
  /** The fields the host lets a client change; the others are shown read only. */
  editable: readonly CompanyDetailsField[];
  /** Null for a client not in the workspace. */
  read(workspaceId: HostId, clientId: HostId, write?: HostWrite): Promise<CompanyDetails | null>;
  /**
   * Writes the given fields (only editable ones), in `write.trx` when given, and answers the
   * details before and after; null for a client not in the workspace, or one the host cannot write
   * (an Alga client without a location is one: the agency adds it first).
   */
  update(
    workspaceId: HostId,
    clientId: HostId,
    changes: Partial<CompanyDetails>,
    write?: HostWrite,
  ): Promise<{ before: CompanyDetails; after: CompanyDetails } | null>;
}

declare module '../../core/ports/host.ts' {
  interface HostAdapter {
    /** The client company's own details, read and changed from the portal; without it the Company page does not exist. */
    companyDetails?: CompanyDetailsPort;
  }
}
