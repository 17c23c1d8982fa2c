// What the summaries port of the bindings share: the summary of a client the host cannot name
// (a malformed id, another workspace's), which counts nothing rather than failing the dashboard.
import type { ClientSummary } from '../../src/index.ts';

/** A summary with every count at zero and nothing outstanding; a new object each time, as callers may add to it. */
export const emptySummary = (): ClientSummary => ({
  proposals: { open: 0, total: 0 },
  quotations: { open: 0, total: 0 },
  invoices: { unpaid: 0, overdue: 0, outstanding: [] },
  tasks: { open: 0 },
  documents: { shared: 0 },
});
