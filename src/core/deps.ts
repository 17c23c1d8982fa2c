// What the portal needs from its host, checked at start-up so a missing piece fails loudly with
// its name instead of as a TypeError on the first request.
import type { Knex } from 'knex';
import type pg from 'pg';
import { z } from 'zod';
import { PortalConfigSchema, type PortalConfig } from './config.ts';
import type { FeatureHostPort } from './host/feature-ports.ts';
import type { HostAdapter } from './ports/host.ts';
import type { FeatureFlags, FileStorage, Mailer, VirusScanner } from './ports/services.ts';
import type { EventBus } from './events/event-bus.ts';
import type { PaymentProvider } from './ports/payment-provider.ts';
import type { StructuredLogger } from './ops/logging.ts';

export interface PortalDeps {
  adapter: HostAdapter;
  db: Knex;
  /** A pg pool on the same database, for the session store. */
  sessionPool: pg.Pool;
  flags: FeatureFlags;
  mailer: Mailer;
  storage?: FileStorage;
  /**
   * Events between app instances (cache invalidation, live pages). Omitted: chosen from the session
   * pool's database (LISTEN/NOTIFY on PostgreSQL, in process on the embedded one) and closed by the portal.
   */
  events?: EventBus;
  /** Every client upload goes through it when given (e.g. createClamdScanner); off by default. */
  virusScanner?: VirusScanner;
  /** Online payment providers besides the built-in demo and Stripe ones (docs/features.md, "Plugging in another provider"). */
  paymentProviders?: PaymentProvider[];
  config: PortalConfig;
  now?: () => Date;
  /** A pino logger (or one with the same calls); omitted, the portal writes JSON lines to stdout. */
  logger?: StructuredLogger;
  /** Tuning of the mail outbox's delivery worker (defaults suit production). */
  mailOutbox?: { pollIntervalMs?: number; retryBaseMs?: number; leaseMs?: number; sendTimeoutMs?: number };
}

export type PortalDepsInput = Omit<PortalDeps, 'config'> & { config: z.input<typeof PortalConfigSchema> };

const fn = (what: string) =>
  z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', { message: `must be a function (${what})` });

const port = (name: string, methods: string[]) =>
  z.object(Object.fromEntries(methods.map((method) => [method, fn(`${name}.${method}`)])), { error: `is missing (the ${name} port)` });

/** The check of what the host hands the portal, with the ports the features bring (their manifests' hostPorts). */
const depsSchema = (featurePorts: readonly FeatureHostPort[]) =>
  z.object({
    adapter: z.object(
      {
        name: z.string({ error: 'must name the host adapter' }).min(1),
        claims: z.array(z.object({ concept: z.string(), table: z.string().min(1), columns: z.array(z.string()) }), {
          error: 'must list where the host keeps what the adapter uses ([] for none)',
        }),
        workspaces: port('WorkspacesPort', ['findBySlug', 'findById']),
        clients: port('ClientsPort', ['list', 'findById']),
        contacts: port('ContactsPort', ['findById', 'findByEmail', 'list']),
        staff: port('StaffPort', ['current']),
        credentials: port('ClientCredentialsPort', ['findLogin', 'verifyPassword', 'setPassword', 'hasPassword']).optional(),
        ...Object.fromEntries(
          featurePorts.flatMap(({ member, port: name, methods, required }) =>
            methods ? [[member, required ? port(name, [...methods]) : port(name, [...methods]).optional()]] : [],
          ),
        ),
      },
      { error: 'is missing (a HostAdapter from plugins/<your-crm>/)' },
    ),
    db: z.custom<Knex>((value) => typeof value === 'function' && typeof (value as Knex).transaction === 'function', {
      message: 'must be a knex instance',
    }),
    sessionPool: z.custom<pg.Pool>((value) => typeof (value as pg.Pool | undefined)?.query === 'function', {
      message: 'must be a pg Pool on the portal database (used by the session store)',
    }),
    flags: port('FeatureFlags', ['isEnabled', 'close']),
    mailer: port('Mailer', ['send']),
    storage: port('FileStorage', ['put', 'get', 'delete', 'putStream', 'open']).optional(),
    events: port('EventBus', ['publish', 'subscribe', 'close']).optional(),
    virusScanner: port('VirusScanner', ['scan']).optional(),
    paymentProviders: z.array(port('PaymentProvider', ['createCheckout', 'verifyCallback'])).optional(),
    config: PortalConfigSchema,
    now: fn('now').optional(),
    logger: z
      .object(
        {
          debug: fn('logger.debug'),
          info: fn('logger.info'),
          warn: fn('logger.warn'),
          error: fn('logger.error'),
          child: fn('logger.child'),
        },
        { error: 'must be a pino logger (or one with debug, info, warn, error and child)' },
      )
      .optional(),
    mailOutbox: z
      .object({
        pollIntervalMs: z.number().int().positive().optional(),
        retryBaseMs: z.number().int().nonnegative().optional(),
        leaseMs: z.number().int().positive().optional(),
        sendTimeoutMs: z.number().int().positive().optional(),
      })
      .optional(),
  });

export class PortalSetupError extends Error {}

export function validateDeps(input: unknown, featurePorts: readonly FeatureHostPort[]): PortalDeps {
  const result = depsSchema(featurePorts).safeParse(input);
  // zod's parsed copy of an object keeps only the listed keys as plain properties, which would cut
  // a class-based port (flags, mailer, storage) off from its `this`. The host's own objects are
  // passed on as they came; only the config takes zod's output, for its defaults.
  if (result.success) return { ...(input as PortalDeps), config: result.data.config };
  const problems = result.error.issues.map((issue) => `  - ${issue.path.join('.') || 'deps'}: ${issue.message}`);
  throw new PortalSetupError(`createCustomerPortal: the host did not provide what the portal needs:\n${problems.join('\n')}`);
}
