// The thread a plugin keeps on a client's request (the client portal: the client's messages and the
// agency's replies), for the request's staff page, and a staff member's reply in it. The route has
// found the request in the staff member's workspace before either is asked; the first plugin that
// keeps a thread on it (or takes the reply) answers.
import type { Response } from 'express';
import type { CrmPlugin, CrmRequestThread } from '../crm-plugin.ts';
import type { ServiceRequestRow } from '../queries/service-requests.ts';
import { staffOf } from './auth.ts';

const refOf = (request: ServiceRequestRow) => ({ id: String(request.id), clientId: String(request.client_id) });

/** The request's thread, from the first plugin that keeps one; null when none does. */
export async function pluginRequestThread(
  plugins: readonly CrmPlugin[] | undefined,
  res: Response,
  request: ServiceRequestRow,
): Promise<CrmRequestThread | null> {
  const staff = staffOf(res);
  for (const plugin of plugins ?? []) {
    const thread = await plugin.requestThread?.({ id: String(staff.id), workspaceId: String(staff.workspaceId) }, refOf(request));
    if (thread) return thread;
  }
  return null;
}

/** The staff member's reply, through the first plugin that takes it; false when none does. */
export async function pluginRequestReply(
  plugins: readonly CrmPlugin[] | undefined,
  res: Response,
  request: ServiceRequestRow,
  body: string,
): Promise<boolean> {
  const staff = staffOf(res);
  const author = { id: String(staff.id), workspaceId: String(staff.workspaceId), name: staff.name, email: staff.email, role: staff.role };
  for (const plugin of plugins ?? []) {
    if (await plugin.requestReply?.(author, { ...refOf(request), ref: request.ref, title: request.title }, body)) return true;
  }
  return false;
}
