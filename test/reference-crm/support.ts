// Shared set-up for the reference CRM tests: a fresh database (embedded, or a new database on the
// DATABASE_URL server) with the CRM migrated and seeded, the app, and signed-in supertest agents.
import { expect } from 'chai';
import type express from 'express';
import type { Knex } from 'knex';
import type pg from 'pg';
import request from 'supertest';
import { createKnex, createPgPool } from '../../src/core/db/connect.ts';
import type { VirusScanner } from '../../src/core/ports/services.ts';
import { createReferenceCrmApp } from '../../plugins/reference-crm/app.ts';
import type { CrmPlugin } from '../../plugins/reference-crm/crm-plugin.ts';
import { migrateReferenceCrm } from '../../plugins/reference-crm/migrations/index.ts';
import { seedReferenceCrm, type DemoLogins } from '../../plugins/reference-crm/seed.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

export const SESSION_SECRET = 'test-session-secret-0123456789abcdef';

export const DEMO_ADMIN = { email: 'admin@demo.test', password: 'DemoAdmin!2026' };
export const DEMO_MEMBER = { email: 'member@demo.test', password: 'DemoMember!2026' };
export const ACME_ADMIN = { email: 'admin@acme.test', password: 'AcmeAdmin!2026' };

export interface CrmTestContext {
  database: TestDatabase;
  db: Knex;
  pool: pg.Pool;
  logins: DemoLogins;
  app: express.Express;
  close(): Promise<void>;
}

export async function startCrm(
  options: { plugins?: CrmPlugin[]; secureCookies?: boolean; virusScanner?: VirusScanner } = {},
): Promise<CrmTestContext> {
  const database = await createTestDatabase();
  const db = createKnex(database.url);
  const pool = createPgPool(database.url);
  await migrateReferenceCrm(db);
  const logins = await seedReferenceCrm(db);
  const app = createReferenceCrmApp({
    db,
    sessionPool: pool,
    sessionSecret: SESSION_SECRET,
    secureCookies: options.secureCookies ?? false,
    plugins: options.plugins ?? [],
    ...(options.virusScanner ? { virusScanner: options.virusScanner } : {}),
  });
  return {
    database,
    db,
    pool,
    logins,
    app,
    async close() {
      await db.destroy();
      await pool.end();
      await database.drop();
    },
  };
}

export function csrfFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('No CSRF token on the page');
  return match[1];
}

export interface SignedIn {
  agent: ReturnType<typeof request.agent>;
  csrf: string;
}

export async function signIn(app: express.Express, login: { email: string; password: string }): Promise<SignedIn> {
  const agent = request.agent(app);
  const page = await agent.get('/signin').expect(200);
  const response = await agent
    .post('/signin')
    .type('form')
    .send({ _csrf: csrfFrom(page.text), ...login });
  expect(response.status, response.text).to.equal(303);
  const dashboard = await agent.get('/').expect(200);
  return { agent, csrf: csrfFrom(dashboard.text) };
}

/** Ids of a few records by natural key, for cross-workspace checks. */
export async function idOf(db: Knex, table: string, where: Record<string, unknown>, workspaceSlug: string): Promise<number> {
  const row = await db(`${table} as t`)
    .join('workspaces as w', 'w.id', 't.workspace_id')
    .where('w.slug', workspaceSlug)
    .where(Object.fromEntries(Object.entries(where).map(([k, v]) => [`t.${k}`, v])))
    .first<{ id: number } | undefined>('t.id');
  if (!row) throw new Error(`No ${table} row ${JSON.stringify(where)} in ${workspaceSlug}`);
  return row.id;
}

/** The text of a page with tags removed and whitespace collapsed, for readable assertions. */
export function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}
