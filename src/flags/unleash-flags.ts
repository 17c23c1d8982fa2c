// Feature flags on unleash-client. With a URL it follows a real Unleash server; without one it
// runs offline from a local flags file: no network, no metrics, ready in milliseconds. Either way
// the portal asks the same question with the workspace in the context, so a strategy constraint
// can switch the portal on per workspace.
import { readFile } from 'node:fs/promises';
import { InMemStorageProvider, Unleash } from 'unleash-client';
import type { FeatureFlags, FlagContext } from '../ports/services.ts';

export interface UnleashFlagsOptions {
  /** The Unleash client API, e.g. https://unleash.example.com/api. Unset → offline. */
  url?: string | undefined;
  apiToken?: string | undefined;
  appName?: string;
  /** Offline flag data: `{ "features": [...] }` in Unleash's client API format. */
  bootstrapFile?: string | undefined;
  refreshIntervalMs?: number;
  /** How long to wait for the first answer from a real server. */
  readyTimeoutMs?: number;
  onError?: (err: Error) => void;
}

// Any address works offline: with refreshInterval 0 the client never fetches.
const OFFLINE_URL = 'http://127.0.0.1:9/offline';

async function readBootstrap(file: string): Promise<unknown[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new Error(`Flags file ${file} could not be read.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`Flags file ${file} is not valid JSON.`);
  }
  const features = (parsed as { features?: unknown }).features;
  if (!Array.isArray(features)) throw new Error(`Flags file ${file} needs a "features" array.`);
  return features;
}

export async function createUnleashFlags(options: UnleashFlagsOptions): Promise<FeatureFlags> {
  const online = Boolean(options.url);
  const features = !online && options.bootstrapFile ? await readBootstrap(options.bootstrapFile) : [];
  const client = new Unleash({
    appName: options.appName ?? 'customer-portal',
    url: options.url ?? OFFLINE_URL,
    refreshInterval: online ? (options.refreshIntervalMs ?? 15_000) : 0,
    disableMetrics: !online,
    skipInstanceCountWarning: true,
    storageProvider: new InMemStorageProvider(),
    ...(options.apiToken ? { customHeaders: { Authorization: options.apiToken } } : {}),
    ...(online ? {} : { bootstrap: { data: features as never } }),
  });
  // Without a listener an unreachable server would crash the process.
  client.on('error', (err: Error) => (options.onError ?? (() => {}))(err));
  client.on('warn', () => {});

  await new Promise<void>((resolve, reject) => {
    const timeout = setTimeout(() => {
      client.destroy();
      reject(new Error(`Unleash at ${options.url} did not answer within ${options.readyTimeoutMs ?? 10_000} ms.`));
    }, online ? (options.readyTimeoutMs ?? 10_000) : 5_000);
    client.once(online ? 'synchronized' : 'ready', () => {
      clearTimeout(timeout);
      resolve();
    });
  });

  return {
    isEnabled(flag: string, context: FlagContext): boolean {
      return client.isEnabled(flag, {
        properties: { workspaceId: context.workspaceId, ...(context.workspaceSlug ? { workspaceSlug: context.workspaceSlug } : {}) },
      });
    },
    async close() {
      client.destroy();
    },
  };
}
