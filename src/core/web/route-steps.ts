// The permission steps a client route declares in its chain, after the signed-in client is known
// and before validation and the handler (and before a streamed upload's first byte is read):
// `router.post(path, allow.payment, validateBody(...), handler)`. Each asks the policy module
// (policies/portal-policy.ts) about the workspace's settings for this request; what it refuses never
// reaches the handler. A route's steps can be read from the router (routeTable's
// `permissionStep`), so a test checks every client route declares one. A state-changing route also
// declares its action rule (allow.self, allow.company, allow.own, allow.clientAdmin: the permission
// and whose object, client-actions.ts), read back as routeTable's `actionRule`.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { notFound } from '../http/http-error.ts';
import { portalContext, signedInClient } from './portal-context.ts';
import { managesColleagues, permits, type ClientPermission } from '../policies/client-access.ts';
import type { ActionRule } from '../policies/client-actions.ts';
import { ACTION_RULE, PERMISSION_STEP } from './route-table.ts';
import { authorizeClient, authorizePayment, authorizeSection, type ClientAction, type PortalSection } from '../policies/portal-policy.ts';

function step(check: (res: Response) => void): RequestHandler {
  const handler = (_req: Request, res: Response, next: NextFunction) => {
    check(res);
    next();
  };
  return Object.assign(handler, { [PERMISSION_STEP]: true });
}

/** A step that also declares the route's action rule. */
function acting(rule: ActionRule, check: (res: Response) => void): RequestHandler {
  return Object.assign(step(check), { [ACTION_RULE]: Object.freeze(rule) });
}

/** The person has the permission (404 otherwise: without it the page and its forms do not exist for them). */
const holding = (permission: ClientPermission) => (res: Response) => {
  if (!permits(portalContext(res).settings, permission)) throw notFound();
};

const requireClientAdmin = (res: Response) => {
  if (!managesColleagues(signedInClient(res).access)) throw notFound();
};

export const allow = {
  /** The section is switched on for this workspace (404 otherwise, as a page that does not exist). */
  section: (section: PortalSection) => step((res) => authorizeSection(portalContext(res).settings, section)),
  /** The workspace lets clients write this (403 with a sentence: the section itself is there). */
  write: (action: ClientAction) => step((res) => authorizeClient(portalContext(res).settings, action)),
  /** Invoices and online payments are switched on (404 otherwise). */
  payment: step((res) => {
    const { settings } = portalContext(res);
    authorizeSection(settings, 'invoices');
    authorizePayment(settings);
  }),
  /** The signed-in person is their company's client admin (404 otherwise: the team page does not exist for them); acts on colleagues. */
  clientAdmin: acting({ permission: null, owner: 'clientAdmin' }, requireClientAdmin),
  /** Any signed-in client of the workspace: their own account, the dashboard, their own settings. */
  signedIn: step(() => undefined),
  /** Changes the person's own account or data, and nobody else's. */
  self: acting({ permission: null, owner: 'self' }, () => undefined),
  /** Acts on a record of the person's company, as any colleague with the permission may (404 without it). */
  company: (permission: ClientPermission) => acting({ permission, owner: 'company' }, holding(permission)),
  /**
   * Acts on a thing one person made: needs the permission (404 without it), and the handler, once
   * the thing is loaded, lets only its maker or a client admin act (client-actions.ts mayActOnOwn).
   */
  own: (permission: ClientPermission) => acting({ permission, owner: 'own' }, holding(permission)),
};
