// The host port of the documents the host shares with a client (DocumentsPort): what the portal needs
// from the host CRM for this feature, beside the core's ports (src/core/ports/host.ts). A host binding
// implements it; the declaration at the end adds it to HostAdapter, so the core names no feature.
import type { Readable } from 'node:stream';
import type { HostId, Page, PageRequest } from '../../core/index.ts';

/** The record a document or task belongs to, where the host knows it. */
export type HostRecordType = 'proposal' | 'quotation' | 'invoice' | 'project';

export interface HostRecordRef {
  type: HostRecordType;
  id: HostId;
  /** What the client reads: a number, a title, or both. */
  label: string;
}

export interface SharedDocument {
  id: HostId;
  name: string;
  contentType: string;
  sizeBytes: number;
  sharedAt: Date;
  /** The staff member who shared it, where the host records one. */
  sharedBy: string | null;
  record: HostRecordRef | null;
}

/** A document opened for download: read `content` once, in chunks; it never holds the whole file. */
export interface DocumentContent {
  name: string;
  contentType: string;
  sizeBytes: number;
  content: Readable;
  /** The record it belongs to, as list() names it: the portal serves it only to whom may open that record. */
  record: Pick<HostRecordRef, 'type' | 'id'> | null;
}

/** Which of the shared documents DocumentsPort.list returns; every part given narrows the list. */
export interface DocumentListFilter {
  record?: { type: HostRecordType; id: HostId };
  /**
   * Text the list's rows contain, case-insensitive and taken literally (see containsPattern):
   * in the file name.
   * Absent, the list is unfiltered. It narrows the list's own statement: no read is added.
   */
  search?: string;
}

/**
 * What the host shares with one client company, newest first, scoped by workspace and client in
 * every query. A document the host no longer shares (or another client's) is simply not found.
 */
export interface DocumentsPort {
  list(workspaceId: HostId, clientId: HostId, filter: DocumentListFilter, page: PageRequest): Promise<Page<SharedDocument>>;
  open(workspaceId: HostId, clientId: HostId, id: HostId): Promise<DocumentContent | null>;
  /**
   * Optional: takes a file a client uploaded (already checked, scanned and kept by the portal) into
   * the host's own documents of that client, not shared back, so staff find it where they keep
   * files. Answers the host's id, or null when the host declines it (another workspace's client,
   * a file over the host's own limit). Read `content` once; it is the portal's stored copy. The
   * host's copy is the host's: the client deleting their upload in the portal leaves it.
   */
  accept?(
    workspaceId: HostId,
    clientId: HostId,
    file: { name: string; contentType: string; sizeBytes: number; uploadedBy: string; content: Readable },
  ): Promise<{ id: HostId } | null>;
}

declare module '../../core/ports/host.ts' {
  interface HostAdapter {
    /** Documents the host shares with clients (claim 'document'); without it only the client's own uploads are listed. */
    documents?: DocumentsPort;
  }
}
