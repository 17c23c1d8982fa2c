// Public links: staff share one proposal, quotation or invoice with whoever holds the link. A
// link lives 30 days unless staff set another expiry, can be revoked, and every use is logged.
// An unknown, expired or revoked token is the same "not found" to the visitor.
import type { Knex } from 'knex';
import {
  canSeeSection,
  effectiveSettings,
  type HostAdapter,
  insertActivity,
  type PortalSection,
  type PortalSettings,
} from '../../../core/index.ts';
import type { InvoiceDetail } from '../../invoices/index.ts';
import type { OfferDetail } from '../port.ts';
import {
  findLiveLink,
  insertPublicLink,
  insertPublicLinkAccess,
  listAccessesForLinks,
  listLinksForSubject,
  revokeLink,
  type PublicLinkAction,
  type PublicLinkRow,
  type PublicLinkSubject,
} from './queries.ts';
import { hashPublicToken, isTokenShaped, newTokenSalt, tokenFor } from './tokens.ts';

export const DEFAULT_LINK_DAYS = 30;
export const MAX_LINK_DAYS = 365;

export const SUBJECT_SECTION: Record<PublicLinkSubject, PortalSection> = {
  proposal: 'proposals',
  quotation: 'quotations',
  invoice: 'invoices',
};

export type LinkedRecord = { type: 'proposal' | 'quotation'; offer: OfferDetail } | { type: 'invoice'; invoice: InvoiceDetail };

export class PublicLinks {
  constructor(private readonly deps: { db: Knex; adapter: HostAdapter; secret: string; now: () => Date }) {}

  tokenOf(link: Pick<PublicLinkRow, 'token_salt'>): string {
    return tokenFor(this.deps.secret, link.token_salt);
  }

  /** The host record a link points at, as its client would see it; null when it is gone or hidden. */
  async record(workspaceId: string, clientId: string, type: PublicLinkSubject, id: string): Promise<LinkedRecord | null> {
    const { adapter } = this.deps;
    if (type === 'invoice') {
      const invoice = adapter.invoices ? await adapter.invoices.find(workspaceId, clientId, id) : null;
      return invoice ? { type, invoice } : null;
    }
    const offer = adapter.offers ? await adapter.offers.find(workspaceId, clientId, type, id) : null;
    return offer ? { type, offer } : null;
  }

  async create(args: {
    workspaceId: string;
    clientId: string;
    type: PublicLinkSubject;
    id: string;
    staffId: string;
    days: number;
    allowDecision: boolean;
  }) {
    const salt = newTokenSalt();
    const token = tokenFor(this.deps.secret, salt);
    const createdAt = this.deps.now();
    const expiresAt = new Date(createdAt.getTime() + args.days * 86_400_000);
    const { db } = this.deps;
    const linkId = await db.transaction(async (trx) => {
      const id = await insertPublicLink(trx, {
        workspaceId: args.workspaceId,
        clientId: args.clientId,
        subjectType: args.type,
        subjectId: args.id,
        tokenSalt: salt,
        tokenHash: hashPublicToken(token),
        allowDecision: args.allowDecision,
        staffId: args.staffId,
        expiresAt,
        createdAt,
      });
      await insertActivity(trx, {
        workspaceId: args.workspaceId,
        event: 'public_link.created',
        clientId: args.clientId,
        details: { kind: args.type, subjectId: args.id, linkId: id, staffId: args.staffId, expiresAt: expiresAt.toISOString() },
      });
      return id;
    });
    return { linkId, token, expiresAt };
  }

  async revoke(args: {
    workspaceId: string;
    clientId: string;
    type: PublicLinkSubject;
    id: string;
    linkId: string;
    staffId: string;
  }): Promise<boolean> {
    const { db } = this.deps;
    return db.transaction(async (trx) => {
      const revoked = await revokeLink(trx, {
        workspaceId: args.workspaceId,
        clientId: args.clientId,
        subjectType: args.type,
        subjectId: args.id,
        linkId: args.linkId,
        staffId: args.staffId,
        at: this.deps.now(),
      });
      if (revoked)
        await insertActivity(trx, {
          workspaceId: args.workspaceId,
          event: 'public_link.revoked',
          clientId: args.clientId,
          details: { kind: args.type, subjectId: args.id, linkId: args.linkId, staffId: args.staffId },
        });
      return revoked;
    });
  }

  /** The links of one record, without their accesses (a confirmation names one link, nothing more). */
  linksOf(workspaceId: string, clientId: string, type: PublicLinkSubject, id: string): Promise<PublicLinkRow[]> {
    return listLinksForSubject(this.deps.db, { workspaceId, clientId, subjectType: type, subjectId: id });
  }

  async forSubject(workspaceId: string, clientId: string, type: PublicLinkSubject, id: string) {
    const links = await listLinksForSubject(this.deps.db, { workspaceId, clientId, subjectType: type, subjectId: id });
    const accesses = await listAccessesForLinks(this.deps.db, { workspaceId, linkIds: links.map((link) => link.id), limit: 100 });
    return { links, accesses };
  }

  /**
   * A live link whose section the workspace shows and the agency has not hidden from the link's
   * company, with its record; null for everything else. A link is the company's (staff share it
   * with whoever at the company they send it to, never with one person), so the company's layer
   * closes it; a role or a person's own override cannot, having no link of their own.
   */
  async open(workspaceId: string, settings: PortalSettings, token: string): Promise<{ link: PublicLinkRow; record: LinkedRecord } | null> {
    if (!isTokenShaped(token)) return null;
    const link = await findLiveLink(this.deps.db, { workspaceId, tokenHash: hashPublicToken(token), at: this.deps.now() });
    if (!link || !canSeeSection(settings, SUBJECT_SECTION[link.subject_type])) return null;
    const { client_denied_permissions: clientDenied, ...live } = link;
    const company = effectiveSettings(settings, { role: 'full', customRole: null, clientDenied, personDenied: [] });
    if (!canSeeSection(company, SUBJECT_SECTION[link.subject_type])) return null;
    const record = await this.record(workspaceId, link.client_id, link.subject_type, link.subject_id);
    return record ? { link: live, record } : null;
  }

  async logAccess(link: PublicLinkRow, action: PublicLinkAction, meta: { ip: string | null; userAgent: string | null }): Promise<void> {
    await this.deps.db.transaction(async (trx) => {
      await insertPublicLinkAccess(trx, { linkId: link.id, workspaceId: link.workspace_id, action, ...meta });
      if (action === 'opened') {
        await insertActivity(trx, {
          workspaceId: link.workspace_id,
          event: 'public_link.opened',
          clientId: link.client_id,
          details: { kind: link.subject_type, subjectId: link.subject_id, linkId: link.id },
          ...meta,
        });
      }
    });
  }
}
