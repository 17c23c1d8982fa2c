// What a signed-in client's live stream (/live, /messages/stream) is held to after it opened:
// - each event is sent only if the workspace's switches, as they are now and as they apply to this
//   person (their role and the agency's overrides, as they were when the stream opened: a change
//   of them ends the person's streams, which reconnect under the new ones), let the client see it
//   (the policy decides which switch an event belongs to). The switches come from the workspace
//   cache, which a settings save invalidates on every instance; a peek at the cached entry keeps the
//   check to a map lookup per event, and only a miss (after a save, or the TTL) loads it again;
// - the stream names its session, so it counts against the per-session cap and ends with the
//   session (see stream-sessions.ts); where the host keeps client permissions it names the grants it
//   opened under too, and ends when the host's change (a role changed in the host) is seen.
import type { Request, Response } from 'express';
import { PORTAL_FLAG } from '../flags/flag-names.ts';
import { effectiveSettings } from '../policies/client-access.ts';
import { grantsKey } from './stream-sessions.ts';
import { canClientSeeLiveEvent } from '../policies/portal-policy.ts';
import type { PortalSettings } from '../settings/portal-settings.ts';
import type { FeatureFlags } from '../ports/services.ts';
import { hashSessionId } from '../sessions/portal-sessions.ts';
import { portalContext, signedInClient } from '../web/portal-context.ts';
import type { WorkspaceCache, WorkspaceEntry } from '../workspaces/workspace-cache.ts';
import type { LiveEvent } from './live-events.ts';
import type { LiveStreamOptions } from './sse.ts';

export type ClientStreamRules = (req: Request, res: Response) => Pick<LiveStreamOptions, 'holder' | 'visible'>;

// Asking the flag costs 10-40 µs (Unleash evaluates its strategies each time): once per event per
// stream it was most of a 1,000-stream fan-out. Its answer is kept this long per workspace and
// shared by every stream of the workspace.
const FLAG_ANSWER_MS = 1_000;

export function clientStreamRules(deps: {
  workspaces: Pick<WorkspaceCache, 'get' | 'peek'>;
  flags: FeatureFlags;
  clock?: () => number;
}): ClientStreamRules {
  const clock = deps.clock ?? Date.now;
  const flagAnswers = new Map<string, { enabled: boolean; at: number }>();
  const portalOn = (workspaceId: string, workspaceSlug: string): boolean => {
    const now = clock();
    const known = flagAnswers.get(workspaceId);
    if (known && now - known.at < FLAG_ANSWER_MS) return known.enabled;
    const enabled = deps.flags.isEnabled(PORTAL_FLAG, { workspaceId, workspaceSlug });
    // One entry per workspace with open streams; dropped wholesale if it ever grows past reason.
    if (flagAnswers.size > 10_000) flagAnswers.clear();
    flagAnswers.set(workspaceId, { enabled, at: now });
    return enabled;
  };
  return (req, res) => {
    const { workspace } = portalContext(res);
    const { user, access } = signedInClient(res);
    const sidHash = hashSessionId(req.sessionID);
    const slug = workspace.slug;
    // The person's own settings, worked out again only when the cached workspace entry is a new one.
    let seen: { entry: WorkspaceEntry; own: PortalSettings } | null = null;
    const ownSettings = (entry: WorkspaceEntry) => {
      if (seen?.entry !== entry) seen = { entry, own: effectiveSettings(entry.settings, access) };
      return seen.own;
    };
    // The portal switched off for the workspace is a portal that no longer exists: nothing is sent.
    const allowed = (entry: WorkspaceEntry | null, event: LiveEvent) =>
      entry !== null &&
      entry.workspace.id === workspace.id &&
      portalOn(workspace.id, slug) &&
      canClientSeeLiveEvent(ownSettings(entry), event);
    return {
      holder: {
        session: sidHash,
        client: {
          workspaceId: workspace.id,
          clientUserId: user.id,
          sidHash,
          ...(access.hostGrants ? { host: { contactId: user.contact_id, grants: grantsKey(access.hostGrants) } } : {}),
        },
      },
      visible(event) {
        const entry = deps.workspaces.peek(slug);
        return entry ? allowed(entry, event) : deps.workspaces.get(slug).then((loaded) => allowed(loaded, event));
      },
    };
  };
}
