// A minimal EventSource for tests: opens a text/event-stream with fetch, parses events as they
// arrive and lets a test wait for one, stamping each with the moment it was read, and tells when the
// server ended the stream.
export interface ReceivedEvent {
  id: string;
  event: string;
  data: string;
  at: number;
}

export interface SseConnection {
  events: ReceivedEvent[];
  waitFor(predicate: (event: ReceivedEvent) => boolean, timeoutMs?: number): Promise<ReceivedEvent>;
  /** Settles once the stream is over: ended by the server, cut, or closed by the test. */
  ended: Promise<void>;
  /** Whether the stream is over (see `ended`). */
  readonly isEnded: boolean;
  close(): void;
}

export async function openSse(url: string, headers: Record<string, string>): Promise<SseConnection> {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { Accept: 'text/event-stream', ...headers }, signal: controller.signal });
  if (res.status !== 200 || !res.body) throw new Error(`the stream answered ${res.status}`);
  const events: ReceivedEvent[] = [];
  const waiters = new Set<() => void>();
  let isEnded = false;
  const ended = (async () => {
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields: Record<string, string> = {};
          for (const line of block.split('\n')) {
            const colon = line.indexOf(':');
            if (colon <= 0) continue;
            fields[line.slice(0, colon)] = line.slice(colon + 1).replace(/^ /, '');
          }
          if (fields.event) events.push({ id: fields.id ?? '', event: fields.event, data: fields.data ?? '', at: performance.now() });
          for (const wake of [...waiters]) wake();
        }
      }
    } catch {
      /* aborted by close() */
    }
  })().finally(() => {
    isEnded = true;
  });
  return {
    events,
    ended,
    get isEnded() {
      return isEnded;
    },
    waitFor(predicate, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(predicate);
          if (!found) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events.map((e) => e.event))}`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    close: () => controller.abort(),
  };
}

/** 'ended' if the stream ends within `ms`, else 'open' (the stream itself is left as it is). */
export async function endsWithin(connection: SseConnection, ms: number): Promise<'ended' | 'open'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'open'>((resolve) => (timer = setTimeout(() => resolve('open'), ms)));
  const result = await Promise.race([connection.ended.then(() => 'ended' as const), late]);
  clearTimeout(timer);
  return result;
}
