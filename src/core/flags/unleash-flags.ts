// Feature flags on unleash-client. With a URL it follows a real Unleash server; without one it runs
// offline from a local flags file: no network, no metrics, ready in milliseconds. Either way the
// portal asks the same question with the workspace in the context, so a strategy constraint on
// `workspaceId` or `workspaceSlug` can switch the portal on per workspace.
//
// Each call builds its own `new Unleash(...)` with in-memory storage. The package's `initialize()`
// API shares one global instance, and its default file backup is keyed by appName in the temp
// folder, so two portals in one process (tests, two instances) would otherwise read each other's
// flags.
import type { EventEmitter } from 'node:events';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InMemStorageProvider, Unleash, UnleashEvents, type UnleashConfig } from 'unleash-client';
import { z } from 'zod';
import type { FeatureFlags, FlagContext } from '../ports/services.ts';

export interface UnleashFlagsOptions {
  /** The Unleash client API base, e.g. https://unleash.example.com/api. Unset → offline. */
  url?: string | undefined;
  /** A client (backend) token, sent as the Authorization header. */
  apiToken?: string | undefined;
  appName?: string | undefined;
  /** Offline flag data (see src/core/flags/CONTEXT.md). Required when `url` is unset; ignored with a url. */
  bootstrapFile?: string | undefined;
  /** How often an online client polls the server. */
  refreshIntervalMs?: number | undefined;
  /** How long to wait for the first answer from a real server before start-up fails. */
  readyTimeoutMs?: number | undefined;
  /**
   * With a url: keep the last flags fetched from the server in this folder (rewritten on every
   * change), and when the server cannot be reached at start-up, start from them — or, before the
   * first successful fetch, from `bootstrapFile` — instead of refusing to start. While it stays
   * unreachable those flags stay in force; the next successful poll replaces them.
   */
  backupDir?: string | undefined;
  /** Fetch and evaluation errors after start-up. Defaults to console.error, repeats suppressed. */
  onError?: ((err: Error) => void) | undefined;
}

// Never contacted: with refreshInterval 0 the client does not fetch and metrics are off. The
// reserved `.invalid` name makes that obvious to anyone reading a stack trace.
const OFFLINE_URL = 'http://unleash-offline.invalid/api/';
const DEFAULT_REFRESH_MS = 15_000;
const DEFAULT_READY_TIMEOUT_MS = 10_000;

// The operators unleash-client evaluates. A misspelt one would silently evaluate to false and
// leave the portal off, so the file check rejects it instead.
const OPERATORS = [
  'IN',
  'NOT_IN',
  'STR_ENDS_WITH',
  'STR_STARTS_WITH',
  'STR_CONTAINS',
  'NUM_EQ',
  'NUM_GT',
  'NUM_GTE',
  'NUM_LT',
  'NUM_LTE',
  'DATE_AFTER',
  'DATE_BEFORE',
  'SEMVER_EQ',
  'SEMVER_GT',
  'SEMVER_LT',
  'SEMVER_GTE',
  'SEMVER_LTE',
  'REGEX',
  'IN_CIDR',
] as const;

const constraintSchema = z.object({
  contextName: z.string().min(1),
  operator: z.enum(OPERATORS),
  values: z.array(z.string()).default([]),
  value: z.string().optional(),
  inverted: z.boolean().default(false),
  caseInsensitive: z.boolean().default(false),
});

const strategySchema = z.object({
  name: z.string().min(1),
  parameters: z.record(z.string(), z.unknown()).default({}),
  constraints: z.array(constraintSchema).default([]),
});

const featureSchema = z.object({
  name: z.string().min(1),
  description: z.string().nullish(),
  enabled: z.boolean(),
  strategies: z.array(strategySchema).default([]),
});

// The same shape as Unleash's `GET /api/client/features` answer, so a server's answer saved to a
// file works as offline data (its extra fields are ignored).
const flagsFileSchema = z.object({ features: z.array(featureSchema) });

export type FlagsFile = z.input<typeof flagsFileSchema>;
type FeatureData = z.output<typeof featureSchema>;
// unleash-client types operators as its own enum; the schema checked the same names as strings.
type BootstrapData = NonNullable<NonNullable<UnleashConfig['bootstrap']>['data']>;

/** Reads and checks an offline flags file; every failure names the file. */
async function readFlagsFile(file: string): Promise<FeatureData[]> {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (err) {
    throw new Error(`Flags file ${absolute} could not be read: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`Flags file ${absolute} is not valid JSON: ${(err as Error).message}`);
  }
  const result = flagsFileSchema.safeParse(parsed);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new Error(`Flags file ${absolute} is not in the expected format: ${problems.join('; ')}`);
  }
  return result.data.features;
}

type StorageProvider = NonNullable<UnleashConfig['storageProvider']>;

function backupFile(dir: string, appName: string): string {
  return path.join(path.resolve(dir), `flags-backup-${appName.replace(/[^A-Za-z0-9_-]/g, '_')}.json`);
}

/**
 * The server's last answer, saved to a file (written to a temporary name, then renamed, so a crash
 * mid-write never leaves half a file). Read once at start-up by createUnleashFlags and handed to the
 * client as bootstrap data, so `get` answers nothing: the client's own backup loading would race
 * the bootstrap.
 */
function fileBackup(file: string): StorageProvider {
  return {
    async set(_key: string, data: unknown) {
      const temporary = `${file}.${process.pid}.tmp`;
      await writeFile(temporary, JSON.stringify(data));
      await rename(temporary, file);
    },
    async get() {
      return undefined;
    },
  } as StorageProvider;
}

/** The saved flags, or the bootstrap file's, or none; a damaged backup is reported and skipped. */
async function lastKnownFlags(
  file: string,
  bootstrapFile: string | undefined,
  onError: (err: Error) => void,
): Promise<{ features: FeatureData[]; source: string } | null> {
  try {
    const parsed = flagsFileSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    if (parsed.success && parsed.data.features.length > 0) return { features: parsed.data.features, source: file };
    if (!parsed.success)
      onError(
        new Error(
          `Flags backup ${file} is not in the expected format (${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}); ignored`,
        ),
      );
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      onError(new Error(`Flags backup ${file} could not be read: ${(err as Error).message}`));
  }
  return bootstrapFile ? { features: await readFlagsFile(bootstrapFile), source: path.resolve(bootstrapFile) } : null;
}

/** Reports each distinct error once in a row: an unreachable server repeats it on every poll. */
function quietConsoleErrors(): (err: Error) => void {
  let last = '';
  return (err) => {
    if (err.message === last) return;
    last = err.message;
    console.error(`[flags] ${err.message}`);
  };
}

export async function createUnleashFlags(options: UnleashFlagsOptions): Promise<FeatureFlags> {
  const online = Boolean(options.url);
  if (!online && !options.bootstrapFile) {
    throw new Error('Feature flags need either an Unleash server url or a bootstrapFile with offline flag data.');
  }
  const onError = options.onError ?? quietConsoleErrors();
  const appName = options.appName ?? 'customer-portal';
  const backup = online && options.backupDir ? backupFile(options.backupDir, appName) : null;
  const lastKnown = backup ? await lastKnownFlags(backup, options.bootstrapFile, onError) : null;
  const features = online ? (lastKnown?.features ?? []) : await readFlagsFile(options.bootstrapFile!);

  const client = new Unleash({
    appName,
    url: options.url || OFFLINE_URL,
    refreshInterval: online ? (options.refreshIntervalMs ?? DEFAULT_REFRESH_MS) : 0,
    disableMetrics: !online,
    storageProvider: backup ? fileBackup(backup) : new InMemStorageProvider(),
    // The warning counts constructions to catch misuse of the singleton API; every instance here
    // is deliberate and closed by its owner.
    skipInstanceCountWarning: true,
    ...(options.apiToken ? { customHeaders: { Authorization: options.apiToken } } : {}),
    ...(features.length > 0 ? { bootstrap: { data: features as BootstrapData } } : {}),
  });

  // What went wrong last, for the start-up failure message. A wrong path (404) or a failing server
  // (5xx) only produces warnings, so those count too.
  let lastProblem: string | undefined;
  let startupFailed: ((err: Error) => void) | undefined;
  let unreachable: (() => void) | undefined;
  // Without an `error` listener the EventEmitter throws, and an unreachable server crashes the process.
  client.on(UnleashEvents.Error, (err: Error) => {
    lastProblem = err.message;
    onError(err);
    // On 401/403 the client stops polling for good, so waiting longer cannot help.
    if (/responded 40[13]\b/.test(err.message)) startupFailed?.(err);
    else unreachable?.();
  });
  client.on(UnleashEvents.Warn, (message: string) => {
    lastProblem = message;
  });

  let closed = false;
  const destroy = () => {
    if (closed) return;
    closed = true;
    // destroy() makes the repository drop all its listeners, but a request already in flight still
    // reports its failure through it; with nobody listening that 'error' would crash the process
    // (closing during an outage does exactly this). The field is private, hence the guarded cast.
    const repository = (client as unknown as { repository?: EventEmitter }).repository;
    client.destroy();
    repository?.on(UnleashEvents.Error, () => {});
  };

  // Offline with no features the client never becomes "ready"; every flag is simply off.
  if (online || features.length > 0) {
    const timeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
    // Online waits for `synchronized` (flags actually fetched from the server); offline the
    // bootstrap data makes the client `ready`.
    const readyEvent = online ? UnleashEvents.Synchronized : UnleashEvents.Ready;
    const where = online ? `Unleash server at ${options.url}` : `Offline flags from ${options.bootstrapFile}`;
    await new Promise<void>((resolve, reject) => {
      const settle = () => {
        clearTimeout(timer);
        client.off(readyEvent, onReady);
        client.off(UnleashEvents.Changed, onChanged);
        startupFailed = undefined;
        unreachable = undefined;
      };
      const fail = (reason: string) => {
        settle();
        destroy();
        reject(new Error(`${where} ${reason}`));
      };
      // With last known flags, an unreachable server does not stop the start: they stay in force
      // and the client keeps polling.
      const startWithLastKnown = () => {
        settle();
        onError(
          new Error(
            `${where} is unreachable${lastProblem ? ` (${lastProblem})` : ''}; starting with the last known flags from ${lastKnown!.source}`,
          ),
        );
        resolve();
      };
      const timer = setTimeout(() => {
        if (lastKnown) return startWithLastKnown();
        fail(`did not become ready within ${timeoutMs} ms.${lastProblem ? ` Last problem: ${lastProblem}` : ''}`);
      }, timeoutMs);
      const onReady = () => {
        settle();
        resolve();
      };
      // With last known flags the client reports `synchronized` as soon as it has loaded them, so
      // the server's first answer is the second change instead (the bootstrap data is the first).
      let changes = 0;
      const onChanged = () => {
        changes += 1;
        if (changes >= 2) onReady();
      };
      if (lastKnown) {
        unreachable = startWithLastKnown;
        client.on(UnleashEvents.Changed, onChanged);
      } else {
        client.once(readyEvent, onReady);
      }
      startupFailed = (err) => fail(`refused the API token: ${err.message}`);
    });
  }

  return {
    isEnabled(flag: string, context: FlagContext): boolean {
      return client.isEnabled(flag, {
        properties: {
          workspaceId: context.workspaceId,
          ...(context.workspaceSlug ? { workspaceSlug: context.workspaceSlug } : {}),
        },
      });
    },
    async close() {
      destroy();
    },
  };
}
