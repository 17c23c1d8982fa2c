// Whose things a client may change. Every state-changing client route declares, on its route line,
// the permission its action needs and whose object it acts on (web/route-steps.ts: allow.self,
// allow.company, allow.own, allow.clientAdmin); routeTable reads the declaration back, so a test
// fails on a POST route without one, and the closing table of routes is generated from it.
import { managesColleagues, type ClientAccess, type ClientPermission } from './client-access.ts';

/**
 * - self: the person's own account (profile, password, sessions, their data): nobody else's.
 * - company: a record of the person's company, which any colleague with the permission may act on
 *   (deciding a proposal, paying an invoice, a comment or message added to the company's thread).
 * - own: a thing one person made (an upload): its maker, or the company's client admin, and only
 *   with the permission.
 * - clientAdmin: the person's colleagues: the company's client admin only.
 */
type ObjectOwner = 'self' | 'company' | 'own' | 'clientAdmin';

export interface ActionRule {
  /** The permission the action needs; null for one's own account and for managing colleagues. */
  permission: ClientPermission | null;
  owner: ObjectOwner;
}

/** A thing one person made, changed by someone of their company: its maker, or a client admin. */
export function mayActOnOwn(
  person: { clientUserId: string; access: Pick<ClientAccess, 'role' | 'hostGrants'> },
  madeBy: string | null,
): boolean {
  return (madeBy !== null && madeBy === person.clientUserId) || managesColleagues(person.access);
}
