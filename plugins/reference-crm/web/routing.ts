// Small helpers shared by the route modules.
import type { Knex } from 'knex';
import { parseId } from '../ids.ts';
import { notFound } from './errors.ts';

export interface RouteDeps {
  db: Knex;
}

/** A route's `:id`; anything that cannot be a record id is simply not found. */
export function routeId(value: unknown): number {
  const id = parseId(value);
  if (id === null) throw notFound();
  return id;
}

/** The record, or a 404 — also for a record that exists in another workspace. */
export function found<T>(row: T | null): T {
  if (row === null) throw notFound();
  return row;
}
