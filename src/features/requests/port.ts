// The host port of service and quote requests (ServiceRequestsPort): what the portal needs from the
// host CRM for this feature, beside the core's ports (src/core/ports/host.ts). A host binding
// implements it; the declaration at the end adds it to HostAdapter, so the core names no feature.
import type { HostId, HostWrite, Page, PageRequest } from '../../core/index.ts';
import type { TicketFileContent, TicketUpload } from '../tickets/index.ts';

/** The kinds of field a request form asks; a host maps its own onto them. */
type RequestFieldType = 'text' | 'textarea' | 'select' | 'multiselect' | 'number' | 'date' | 'checkbox' | 'file';

/** One field of a request form, as the host defines it. */
export interface RequestField {
  /** The payload's key for the answer; unique within the form. */
  key: string;
  type: RequestFieldType;
  label: string;
  /** A line under the label, where the host keeps one. */
  help: string | null;
  required: boolean;
  /** With select and multiselect: the choices, in the host's order. */
  options?: { value: string; label: string }[];
  /** With number: the bounds the host sets. */
  min?: number | null;
  max?: number | null;
}

/**
 * One thing the agency offers its clients to ask for ("Request a quote for printing"), with its
 * own form. A `quote` request is answered with a proposal or quotation the client accepts in the
 * portal; a `general` one with the agency's answer.
 */
export interface RequestDefinition {
  id: HostId;
  name: string;
  description: string;
  /** The host's grouping of its catalogue, where it has one. */
  category: string | null;
  /** The host's icon name, where it keeps one; the portal shows a generic mark for others. */
  icon: string | null;
  kind: 'general' | 'quote';
  fields: RequestField[];
}

/**
 * The portal's words for where a request stands: `submitted` (not read yet), `inReview`,
 * `answered` (the agency answered or sent a quotation), `closed`. A host maps its own statuses.
 */
export type RequestState = 'submitted' | 'inReview' | 'answered' | 'closed';

/** An answer of the client's form as the request page shows it. */
export type RequestAnswer = string | number | boolean | string[] | null;

export interface RequestSummary {
  id: HostId;
  /** The number the client quotes (REQ-0001), or the host's id where it numbers none. */
  ref: string;
  /** The definition's name at the time it was sent. */
  title: string;
  kind: 'general' | 'quote';
  state: RequestState;
  /** The host's own name of its status where it says more than the state; null to say the state. */
  statusLabel: string | null;
  submittedAt: Date;
  /** The newest change, by either side. */
  updatedAt: Date;
}

/** A proposal or quotation the agency made in answer to a request. */
interface RequestOffer {
  kind: 'proposal' | 'quotation';
  id: HostId;
  number: string;
}

export interface RequestDetail extends RequestSummary {
  /** The fields of the form as they were sent, with the client's answers (files: their names). */
  fields: RequestField[];
  answers: Record<string, RequestAnswer>;
  /** The agency's answer to the client, where it wrote one. */
  answer: string | null;
  answeredAt: Date | null;
  /** Oldest first; empty where the host keeps no history. */
  history: { at: Date; state: RequestState; statusLabel: string | null }[];
  /** The proposal or quotation the agency made in answer, where there is one. */
  offer: RequestOffer | null;
}

/** What a client sends: the definition's answers, checked against its fields by the portal. */
interface NewRequest {
  definitionId: HostId;
  answers: Record<string, RequestAnswer>;
  /**
   * The client's files, for a host that keeps them itself (ServiceRequestsPort.keepsClientFiles),
   * each with the form field it answers; else absent, and the portal keeps them.
   */
  files?: RequestUpload[];
}

/** A client's file sent with a request (see TicketUpload), and the key of the field it answers. */
export interface RequestUpload extends TicketUpload {
  fieldKey: string;
}

/** A file the client sent with a request, as the host keeps it. */
export interface RequestFile {
  id: HostId;
  name: string;
  contentType: string;
  sizeBytes: number;
  /** The key of the form field it answers. */
  fieldKey: string;
  at: Date;
}

/**
 * The agency's catalogue of services and quotes a client may ask for, and the client's requests:
 * every call scoped by workspace and client, so another company's request is not found; `contactId`
 * names the person who asks or reads (the request's requester), for a host that shows each person
 * only their own (Alga's "my requests"). The agency answers in the host's own screens; what it
 * writes there for the client comes back through find().
 */
export interface ServiceRequestsPort {
  /**
   * The definitions this person may ask for (published, visible to clients), in the host's order.
   * Optional `languages`, the reader's in order (see TicketsPort): a host that keeps names, form
   * labels and choices in several gives the first of them it has, else its own words.
   */
  definitions(workspaceId: HostId, clientId: HostId, contactId: HostId, languages?: readonly string[]): Promise<RequestDefinition[]>;
  /** One of definitions(), or null; `languages` as there. */
  definition(
    workspaceId: HostId,
    clientId: HostId,
    contactId: HostId,
    id: HostId,
    languages?: readonly string[],
  ): Promise<RequestDefinition | null>;
  /** Null when the definition is not one this person may ask for. */
  submit(workspaceId: HostId, clientId: HostId, contactId: HostId, request: NewRequest, write?: HostWrite): Promise<RequestSummary | null>;
  /** Newest first; `search` matched in the ref and the title, any case. */
  list(
    workspaceId: HostId,
    clientId: HostId,
    contactId: HostId,
    filter: { search?: string },
    page: PageRequest,
  ): Promise<Page<RequestSummary>>;
  find(workspaceId: HostId, clientId: HostId, contactId: HostId, id: HostId): Promise<RequestDetail | null>;
  /**
   * Optional: the request a proposal or quotation of the client answers, for its page ("in answer
   * to your request …"); null when it answers none.
   */
  answeredBy?(workspaceId: HostId, clientId: HostId, offer: { kind: 'proposal' | 'quotation'; id: HostId }): Promise<RequestSummary | null>;
  /**
   * Optional: true where the host keeps the files a client sends with a request itself, where its
   * staff see them (Alga's submission attachments, the documents of Dolibarr's proposal or
   * ticket): submit() then takes them (NewRequest.files) and writes them with the request, all or
   * none, in the caller's transaction, and files() lists them; the portal keeps no copy. Absent or
   * false: the portal keeps them.
   */
  keepsClientFiles?: boolean;
  /**
   * Optional, with keepsClientFiles: whether the host keeps this contact's files, where it depends
   * on who sends (Alga records the contact's client login as uploader). Absent: keepsClientFiles
   * says it for every contact.
   */
  keepsClientFilesOf?(workspaceId: HostId, clientId: HostId, contactId: HostId): Promise<boolean>;
  /** Optional, with keepsClientFiles: the files sent with the request, oldest first; empty when it is not the client's. */
  files?(workspaceId: HostId, clientId: HostId, contactId: HostId, requestId: HostId): Promise<RequestFile[]>;
  /** Optional, with files: one of them to download; null when it is not a file of that request of this client. */
  fileContent?(
    workspaceId: HostId,
    clientId: HostId,
    contactId: HostId,
    requestId: HostId,
    fileId: HostId,
  ): Promise<TicketFileContent | null>;
  /**
   * Optional: the request's page on the agency's side, as TicketsPort.staffPageOf: staff
   * notifications of the client's acts on it link there. Null when the host has none to give.
   */
  staffPageOf?(id: HostId): string | null;
  /**
   * Optional: true where the host's own staff page of a request shows its thread with the client
   * and takes the agency's replies, through CustomerPortal.requestThread (the reference CRM's
   * does). Absent or false: the agency has nowhere to read or answer it, so a request has no
   * thread in the portal (its page shows none and no form, the form's route is a 404, the messages
   * page lists no request threads), whatever the comments port keeps.
   */
  staffReadsThread?: boolean;
}

declare module '../../core/ports/host.ts' {
  interface HostAdapter {
    /** Service and quote requests; without it the requests section does not exist. */
    requests?: ServiceRequestsPort;
  }
}
