// The client's live stream for pages other than messages (documents, tasks): the same events on
// the same channel as the messages page, behind requireClient only, since those pages are not
// behind the messaging switch. Pages connect without a position and start at the newest event.
// Each event is still sent only while its own section is on (clientStreamRules).
import { Router, type Request, type Response } from 'express';
import { allow } from '../web/route-steps.ts';
import type { Knex } from 'knex';
import type { EventBus } from '../events/event-bus.ts';
import { portalContext, signedInClient } from '../web/portal-context.ts';
import { clientChannel } from './live-events.ts';
import type { ClientStreamRules } from './client-streams.ts';
import { openLiveStream } from './sse.ts';

export const LIVE_PATH = '/live';

export function liveRoutes(deps: {
  db: Knex;
  bus: EventBus;
  streamRules: ClientStreamRules;
  onError: (message: string, err: unknown) => void;
}): Router {
  const router = Router({ mergeParams: true });
  router.get(LIVE_PATH, allow.signedIn, async (req: Request, res: Response) => {
    const { workspace } = portalContext(res);
    const { user } = signedInClient(res);
    await openLiveStream(req, res, {
      db: deps.db,
      bus: deps.bus,
      workspaceId: workspace.id,
      clientId: user.client_id,
      channel: clientChannel(workspace.id, user.client_id),
      startAtLatest: true,
      onError: deps.onError,
      ...deps.streamRules(req, res),
    });
  });
  return router;
}
