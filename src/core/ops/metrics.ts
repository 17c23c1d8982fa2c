// Prometheus metrics (prom-client) on a registry of the portal's own, not prom-client's global
// one: two portals in one process (two instances in a test, or a host running two) keep separate
// series. The host mounts `portal.metricsHandler` where it wants (docs/operating.md).
//
// Labels are bounded: routes are patterns, statuses are classes (2xx...), workspaces are those this
// instance has served (capped), sign-in methods and outcomes are fixed words.
import type { RequestHandler } from 'express';
import client from 'prom-client';
import type { FlagContext } from '../ports/services.ts';

type SignInMethod = 'password' | 'code' | 'reset' | 'invitation' | 'passkey';
type SignInOutcome = 'success' | 'failure' | 'limited';

export interface PortalMetrics {
  readonly registry: client.Registry;
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  signIn(method: SignInMethod, outcome: SignInOutcome): void;
  /** A live (SSE) stream opened; call the returned function when it closes. */
  streamOpened(): () => void;
  /** Remembers a workspace the portal answered for, so the flag gauge covers it. */
  workspaceSeen(context: FlagContext): void;
  handler: RequestHandler;
}

export interface PortalMetricsDeps {
  /** The mail outbox depth, read on each scrape. */
  outboxDepth(): Promise<number>;
  /** The portal flag's state for a workspace, asked afresh on each scrape. */
  flagEnabled(context: FlagContext): boolean;
  maxWorkspaces?: number;
}

export function createPortalMetrics(deps: PortalMetricsDeps): PortalMetrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const maxWorkspaces = deps.maxWorkspaces ?? 1_000;
  const workspaces = new Map<string, FlagContext>();

  const duration = new client.Histogram({
    name: 'portal_http_request_duration_seconds',
    help: 'Time to answer a portal request, by route pattern and status class.',
    labelNames: ['method', 'route', 'status_class'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const signIns = new client.Counter({
    name: 'portal_sign_ins_total',
    help: 'Client sign-in attempts by method (password, code, reset, invitation) and outcome (success, failure, limited).',
    labelNames: ['method', 'outcome'] as const,
    registers: [registry],
  });
  let streams = 0;
  new client.Gauge({
    name: 'portal_sse_connections',
    help: 'Live (server-sent events) streams open on this instance.',
    registers: [registry],
    collect() {
      this.set(streams);
    },
  });
  new client.Gauge({
    name: 'portal_mail_outbox_depth',
    help: 'Emails waiting in the outbox (queued or waiting for a retry), across all instances.',
    registers: [registry],
    async collect() {
      // With the database away the scrape still answers (the other series matter most then);
      // the depth keeps its last value.
      const depth = await deps.outboxDepth().catch(() => null);
      if (depth !== null) this.set(depth);
    },
  });
  new client.Gauge({
    name: 'portal_flag_enabled',
    help: 'Whether the portal flag is on (1) or off (0) for each workspace this instance has served.',
    labelNames: ['workspace'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const context of workspaces.values())
        this.set({ workspace: context.workspaceSlug ?? context.workspaceId }, deps.flagEnabled(context) ? 1 : 0);
    },
  });

  return {
    registry,
    observeRequest(method, route, status, seconds) {
      duration.observe({ method, route, status_class: `${Math.floor(status / 100)}xx` }, seconds);
    },
    signIn(method, outcome) {
      signIns.inc({ method, outcome });
    },
    streamOpened() {
      streams += 1;
      let open = true;
      return () => {
        if (!open) return;
        open = false;
        streams -= 1;
      };
    },
    workspaceSeen(context) {
      if (workspaces.has(context.workspaceId) || workspaces.size >= maxWorkspaces) return;
      workspaces.set(context.workspaceId, {
        workspaceId: context.workspaceId,
        ...(context.workspaceSlug ? { workspaceSlug: context.workspaceSlug } : {}),
      });
    },
    handler: async (_req, res, next) => {
      try {
        const body = await registry.metrics();
        res.set('Cache-Control', 'no-store').type(registry.contentType).send(body);
      } catch (err) {
        next(err);
      }
    },
  };
}
