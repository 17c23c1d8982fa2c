// The round trips a request costs, as the section budget tests count them: each knex query event
// on the app's database sent by a request (sentByRequest: never a background timer's work, which
// may fire while a request is measured), the page asked once first so that what a first request
// loads and later ones reuse (a cache, a prepared statement) is not counted.
import type { Knex } from 'knex';
import type { Test } from 'supertest';
import { sentByRequest } from './query-counter.ts';

interface Agent {
  get(url: string): Test;
}

export interface RoundTripCounter {
  /**
   * The round trips of GET `url` (200), asked twice: the second is counted. `between` runs after
   * the first (a kept read forgotten, so the second reads it again).
   */
  get(agent: Agent, url: string, between?: () => Promise<unknown>): Promise<number>;
  /** The round trips `action` costs, with no warm-up. */
  during(action: () => Promise<unknown>): Promise<number>;
  /** Stops counting (in `after`). */
  stop(): void;
}

export function countRoundTrips(db: Knex): RoundTripCounter {
  let queries = 0;
  const count = () => {
    if (sentByRequest()) queries += 1;
  };
  db.on('query', count);
  const during = async (action: () => Promise<unknown>) => {
    queries = 0;
    await action();
    return queries;
  };
  return {
    async get(agent, url, between) {
      await agent.get(url).expect(200);
      await between?.();
      return during(() => agent.get(url).expect(200));
    },
    during,
    stop: () => db.off('query', count),
  };
}
