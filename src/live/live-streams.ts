// The live (SSE) streams open on this instance, so shutdown can end them with a reconnect hint:
// the browser's EventSource (and htmx's SSE extension) comes back after `retry` milliseconds, by
// then to another instance behind the load balancer, and replays what it missed by Last-Event-ID.
import type { Request } from 'express';

export interface LiveStreams {
  /** Registers a stream's way to end; returns the function that unregisters it. */
  add(end: () => void): () => void;
  readonly size: number;
  /** Ends every open stream (each writes its retry hint first); new streams are refused from now on. */
  endAll(): void;
  readonly closing: boolean;
}

/** How long a browser waits before reconnecting after shutdown ended its stream. */
export const SHUTDOWN_RETRY_MS = 1_000;

export function createLiveStreams(hooks: { opened?: () => () => void } = {}): LiveStreams {
  const open = new Map<() => void, () => void>();
  let closing = false;
  return {
    add(end) {
      const done = hooks.opened?.() ?? (() => {});
      open.set(end, done);
      return () => {
        open.get(end)?.();
        open.delete(end);
      };
    },
    get size() {
      return open.size;
    },
    get closing() {
      return closing;
    },
    endAll() {
      closing = true;
      for (const end of [...open.keys()]) end();
    },
  };
}

// The streams of the portal that took the request, set by its request middleware: the stream code
// sits below route handlers that have no reason to carry it.
const byRequest = new WeakMap<Request, LiveStreams>();

export function attachLiveStreams(req: Request, streams: LiveStreams): void {
  byRequest.set(req, streams);
}

export function liveStreamsOf(req: Request): LiveStreams | undefined {
  return byRequest.get(req);
}
