// The files plugins keep for a client's request (the client portal: those sent with its form), for
// the request's staff page: listed with what the client sent, and served from the CRM's own route.
// The route has found the request in the staff member's workspace before either is asked.
import type { Response } from 'express';
import type { CrmFileContent, CrmPlugin, CrmRequestFile } from '../crm-plugin.ts';
import type { ServiceRequestRow } from '../queries/service-requests.ts';
import { staffOf } from './auth.ts';

function askedBy(res: Response, request: ServiceRequestRow) {
  const staff = staffOf(res);
  return [
    { id: String(staff.id), workspaceId: String(staff.workspaceId) },
    { id: String(request.id), clientId: String(request.client_id) },
  ] as const;
}

/** Every plugin's files of the request, in the plugins' order. */
export async function pluginRequestFiles(
  plugins: readonly CrmPlugin[] | undefined,
  res: Response,
  request: ServiceRequestRow,
): Promise<CrmRequestFile[]> {
  const [staff, ref] = askedBy(res, request);
  const lists = await Promise.all((plugins ?? []).map((plugin) => plugin.requestFiles?.(staff, ref) ?? Promise.resolve([])));
  return lists.flat();
}

/** The file with this id of the first plugin that has it on the request, or null. */
export async function pluginRequestFile(
  plugins: readonly CrmPlugin[] | undefined,
  res: Response,
  request: ServiceRequestRow,
  fileId: string,
): Promise<CrmFileContent | null> {
  const [staff, ref] = askedBy(res, request);
  for (const plugin of plugins ?? []) {
    const file = await plugin.requestFileContent?.(staff, ref, fileId);
    if (file) return file;
  }
  return null;
}
