// Benchmark: `npx tsx bench/workspace-cache.ts`
// The workspace cache's store (src/core/workspaces/workspace-cache.ts): lru-cache against the Map with
// insertion-order eviction it replaced. Two numbers: the cost of a hit (every request pays one),
// and the hit ratio when more workspaces are active than the cache holds (1,000 entries; 3,000
// workspaces whose traffic follows a Zipf law, as a few large agencies and a long tail do).
import { LRUCache } from 'lru-cache';

const MAX = 1_000;
const TTL = 30_000;
const clock = Date.now;

function fifoStore() {
  const entries = new Map<string, { value: number; loadedAt: number }>();
  return {
    get(key: string): number | undefined {
      const cached = entries.get(key);
      return cached && clock() - cached.loadedAt < TTL ? cached.value : undefined;
    },
    set(key: string, value: number) {
      entries.delete(key);
      if (entries.size >= MAX) entries.delete(entries.keys().next().value!);
      entries.set(key, { value, loadedAt: clock() });
    },
  };
}

function lruStore() {
  const entries = new LRUCache<string, number>({ max: MAX, ttl: TTL, perf: { now: clock }, ttlResolution: 0 });
  return { get: (key: string) => entries.get(key), set: (key: string, value: number) => void entries.set(key, value) };
}

type Store = ReturnType<typeof fifoStore>;

function hitCost(store: Store): number {
  const keys = Array.from({ length: MAX }, (_, i) => `workspace-${i}`);
  for (const [i, key] of keys.entries()) store.set(key, i);
  const runs = 2_000_000;
  let found = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) if (store.get(keys[i % MAX]!) !== undefined) found++;
  if (found !== runs) throw new Error('a hit missed');
  return Number(process.hrtime.bigint() - start) / runs;
}

/** A Zipf(1) sampler over n ranks, from a fixed seed so both stores see the same requests. */
function zipf(n: number, seed: number) {
  const weights = Array.from({ length: n }, (_, i) => 1 / (i + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const cumulative: number[] = [];
  weights.reduce((sum, w, i) => (cumulative[i] = sum + w / total), 0);
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  return () => {
    const r = random();
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < r) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

function hitRatio(store: Store, workspaces: number): number {
  const next = zipf(workspaces, 42);
  let hits = 0;
  const requests = 500_000;
  for (let i = 0; i < requests; i++) {
    const key = `workspace-${next()}`;
    if (store.get(key) !== undefined) hits++;
    else store.set(key, i);
  }
  return hits / requests;
}

console.log(`workspace cache store: ${MAX} entries, TTL ${TTL / 1000} s`);
for (const [name, make] of [
  ['Map, insertion order', fifoStore],
  ['lru-cache', lruStore],
] as const) {
  const cost = hitCost(make());
  const ratios = [1_000, 3_000, 10_000].map((n) => `${n} workspaces ${(hitRatio(make(), n) * 100).toFixed(1)} %`);
  console.log(`${name.padEnd(22)} hit ${cost.toFixed(0).padStart(4)} ns   hit ratio: ${ratios.join(', ')}`);
}
