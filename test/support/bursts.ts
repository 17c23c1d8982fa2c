// What the burst tests share: forty identical requests sent at once (a double click pressed forty
// times, a directory's retries, a form sent from several tabs), checked for what no burst may
// leave: a 5xx, an answer the sender could not get alone, a request still waiting for a pooled
// connection; and a form filled to a given size, to meet a parser's limit.
import { expect } from 'chai';
import type { Response } from 'supertest';
import type { PortalHarness } from './portal-harness.ts';

const FORTY = 40;

/** `count` requests sent at once, the i-th by `send(i)`; none answered with a 5xx. The answers, in the order sent. */
export async function atOnce(send: (i: number) => PromiseLike<Response>, count = FORTY): Promise<Response[]> {
  const answers = await Promise.all(Array.from({ length: count }, (_, i) => send(i)));
  const failed = answers.filter((answer) => answer.status >= 500);
  expect(
    failed.map((answer) => answer.status),
    failed[0]?.text.slice(0, 300),
  ).to.deep.equal([]);
  return answers;
}

/** Every answer's status one of `allowed`; at least `least` of them `first` (the answer the route gives alone). */
export function expectStatuses(answers: Response[], allowed: number[], least?: { status: number; count: number }): void {
  const statuses = answers.map((answer) => answer.status);
  expect(
    statuses.filter((status) => !allowed.includes(status)),
    `statuses: ${statuses.join(' ')}`,
  ).to.deep.equal([]);
  if (least)
    expect(statuses.filter((status) => status === least.status).length, `statuses: ${statuses.join(' ')}`).to.be.at.least(least.count);
}

/**
 * Once a burst is answered, nothing waits for a pooled connection: neither the portal's queries
 * nor its session store (a lock taken in two orders would leave some waiting for ever).
 */
export function expectNoConnectionWaiting(h: PortalHarness): void {
  const pool = (h.crm.db.client as { pool: { numPendingAcquires(): number; numPendingCreates(): number } }).pool;
  expect(pool.numPendingAcquires(), 'queries waiting for a connection').to.equal(0);
  expect(pool.numPendingCreates(), 'connections being opened').to.equal(0);
  expect(h.crm.sessionPool.waitingCount, 'session store queries waiting for a connection').to.equal(0);
}

/** `form` as a urlencoded body of exactly `bytes` bytes, `field` (one the route does not read, or does) filling the rest. */
export function paddedForm(form: Record<string, string>, field: string, bytes: number): string {
  const rest = new URLSearchParams({ ...form, [field]: '' }).toString();
  return `${rest}${'a'.repeat(bytes - Buffer.byteLength(rest))}`;
}

/** `body` as JSON of exactly `bytes` bytes, an attribute the route ignores (`padding`) filling the rest. */
export function paddedJson(body: Record<string, unknown>, bytes: number, padding = 'title'): string {
  const rest = JSON.stringify({ ...body, [padding]: '' });
  const text = JSON.stringify({ ...body, [padding]: 'a'.repeat(bytes - Buffer.byteLength(rest)) });
  expect(Buffer.byteLength(text)).to.equal(bytes);
  return text;
}
