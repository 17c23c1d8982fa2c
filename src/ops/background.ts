// Work the portal does on its own rather than for a request: the mail outbox, notification and
// message-digest emails, housekeeping. It runs inside a named async context so that whatever
// watches queries can tell it from a request's own work (the query budgets count a request's
// queries only, whatever a timer happens to send meanwhile).
import { AsyncLocalStorage } from 'node:async_hooks';

const worker = new AsyncLocalStorage<string>();

export function inBackground<T>(name: string, work: () => T): T {
  return worker.run(name, work);
}

/** The background worker the current code runs for, or undefined inside a request. */
export function backgroundWorker(): string | undefined {
  return worker.getStore();
}
