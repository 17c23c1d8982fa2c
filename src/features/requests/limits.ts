// What one client may send in a while: each request is written to the CRM, notifies the agency's
// staff and may bring files into the workspace's quota. Per person, a busy day's worth; per
// company, enough for several colleagues at once, so one company's script (or a few stolen
// sessions) cannot flood the agency. Another company has counters of its own.
import type { LimitRule } from '../../core/index.ts';

const HOUR = 60 * 60;

export const REQUEST_LIMITS = {
  requestsPerPerson: { name: 'request:person', points: 10, windowSeconds: HOUR, blockSeconds: HOUR },
  requestsPerCompany: { name: 'request:company', points: 30, windowSeconds: HOUR, blockSeconds: HOUR },
} satisfies Record<string, LimitRule>;
