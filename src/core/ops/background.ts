// Work the portal does on its own rather than for a request: the mail outbox, notification and
// message-digest emails, housekeeping. Whatever watches queries (the query budgets count a
// request's queries only, whatever a timer happens to send meanwhile) can tell it from a request's
// own work once it asks to: the work then runs inside a named async context.
//
// Only once asked: an AsyncLocalStorage in use makes Node 20 hook every promise the process
// creates, a cost every request would pay for the sake of an observer that production does not have.
import { AsyncLocalStorage } from 'node:async_hooks';

let worker: AsyncLocalStorage<string> | undefined;

/** From now on, background work is marked so that backgroundWorker() can tell it apart. */
export function trackBackgroundWork(): void {
  worker ??= new AsyncLocalStorage<string>();
}

export function inBackground<T>(name: string, work: () => T): T {
  return worker ? worker.run(name, work) : work();
}

/** The background worker the current code runs for; undefined inside a request, or when not tracked. */
export function backgroundWorker(): string | undefined {
  return worker?.getStore();
}

/**
 * A timer's pass that runs one at a time on this instance: `runInBackground` starts it, or answers
 * the pass already under way; `idle` resolves once none is (awaited on close).
 */
export function onePassAtATime<T>(run: () => Promise<T>): {
  run: () => Promise<T>;
  runInBackground: () => Promise<T>;
  idle: () => Promise<void>;
} {
  let running: Promise<T> | null = null;
  return {
    run,
    runInBackground() {
      running ??= run().finally(() => {
        running = null;
      });
      return running;
    },
    async idle() {
      await running?.catch(() => undefined);
    },
  };
}
