// Health endpoints for load balancers, on the client router before `/:workspaceSlug`:
//   GET healthz: liveness. The process answers; nothing else is asked, so a database outage never
//               makes an orchestrator restart every instance at once.
//   GET readyz:  readiness. The database answers `select 1` and the flags have data, within a
//               short deadline: a load balancer stops sending traffic here (503) rather than
//               waiting on a hung pool.
// No session, no CSRF cookie, nothing cached on the way.
import { Router, type Response } from 'express';
import type { Knex } from 'knex';
import type { FeatureFlags } from '../ports/services.ts';
import { pingDatabase } from './health-queries.ts';
import type { StructuredLogger } from './logging.ts';

/** Paths below the portal's mount that a workspace slug can never take (docs/operating.md). */
export const RESERVED_SLUGS: ReadonlySet<string> = new Set(['healthz', 'readyz', 'assets']);

const READINESS_TIMEOUT_MS = 1_500;

export interface HealthDeps {
  db: Knex;
  flags: FeatureFlags;
  logger: StructuredLogger;
  /** True once the portal is shutting down: readiness fails so the load balancer drains this instance. */
  closing(): boolean;
  timeoutMs?: number;
}

type Check = 'ok' | 'failing' | 'timeout' | 'closing';

function within<T>(work: Promise<T>, ms: number): Promise<'ok' | 'failing' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  return Promise.race([
    work.then(
      () => 'ok' as const,
      () => 'failing' as const,
    ),
    deadline,
  ]).finally(() => clearTimeout(timer));
}

const answer = (res: Response, status: number, body: object) => res.status(status).set('Cache-Control', 'no-store').json(body);

export function healthRoutes(deps: HealthDeps): Router {
  const router = Router();
  const timeoutMs = deps.timeoutMs ?? READINESS_TIMEOUT_MS;

  router.get('/healthz', (_req, res) => answer(res, 200, { status: 'ok' }));

  router.get('/readyz', async (_req, res) => {
    if (deps.closing())
      return answer(res, 503, { status: 'unavailable', database: 'closing' satisfies Check, flags: 'closing' satisfies Check });
    const database = await within(pingDatabase(deps.db), timeoutMs);
    const flags: Check = deps.flags.isReady === undefined || deps.flags.isReady() ? 'ok' : 'failing';
    const ready = database === 'ok' && flags === 'ok';
    if (!ready) deps.logger.warn({ database, flags }, 'not ready');
    answer(res, ready ? 200 : 503, { status: ready ? 'ok' : 'unavailable', database, flags });
  });

  return router;
}
