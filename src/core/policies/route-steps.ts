// The permission steps a client route declares in its chain, after the signed-in client is known
// and before validation and the handler (and before a streamed upload's first byte is read):
// `router.post(path, allow.payment, validateBody(...), handler)`. Each asks the policy module
// (portal-policy.ts) about the workspace's settings for this request; what it refuses never
// reaches the handler. A route's steps can be read from the router (routeTable's
// `permissionStep`), so a test checks every client route declares one.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { notFound } from '../web/http-error.ts';
import { portalContext, signedInClient } from '../web/portal-context.ts';
import { managesColleagues } from './client-access.ts';
import { PERMISSION_STEP } from '../web/route-table.ts';
import {
  authorizeClient,
  authorizeCommenting,
  authorizePayment,
  authorizeSection,
  requireClientAction,
  type ClientAction,
  type PortalSection,
} from './portal-policy.ts';

function step(check: (res: Response) => void): RequestHandler {
  const handler = (_req: Request, res: Response, next: NextFunction) => {
    check(res);
    next();
  };
  return Object.assign(handler, { [PERMISSION_STEP]: true });
}

export const allow = {
  /** The section is switched on for this workspace (404 otherwise, as a page that does not exist). */
  section: (section: PortalSection) => step((res) => authorizeSection(portalContext(res).settings, section)),
  /** The workspace lets clients do this (404 otherwise). */
  action: (action: ClientAction) => step((res) => requireClientAction(portalContext(res).settings, action)),
  /** The workspace lets clients write this (403 with a sentence: the section itself is there). */
  write: (action: ClientAction) => step((res) => authorizeClient(portalContext(res).settings, action)),
  /** Comment threads are switched on (404 otherwise: the page then shows no form). */
  commenting: step((res) => authorizeCommenting(portalContext(res).settings)),
  /** Invoices and online payments are switched on (404 otherwise). */
  payment: step((res) => {
    const { settings } = portalContext(res);
    authorizeSection(settings, 'invoices');
    authorizePayment(settings);
  }),
  /** The signed-in person is their company's client admin (404 otherwise: the team page does not exist for them). */
  clientAdmin: step((res) => {
    if (!managesColleagues(signedInClient(res).access)) throw notFound();
  }),
  /** Any signed-in client of the workspace: their own account, the dashboard, their own settings. */
  signedIn: step(() => undefined),
};
