// SQL of the PostgreSQL event bus: the one LISTEN and the NOTIFY.
import type pg from 'pg';

/** The one PostgreSQL channel all portal events travel on; the portal's channel is in the payload. */
export const PG_CHANNEL = 'customer_portal_events';

export async function listen(client: pg.Client): Promise<void> {
  await client.query(`LISTEN ${PG_CHANNEL}`);
}

export async function notify(pool: pg.Pool, message: string): Promise<void> {
  await pool.query('select pg_notify($1, $2)', [PG_CHANNEL, message]);
}

/** PGlite names itself in version(): the embedded database, whose NOTIFY stays on one connection. */
export async function isEmbeddedDatabase(pool: pg.Pool): Promise<boolean> {
  const { rows } = await pool.query<{ version: string }>('select version() as version');
  return /PGlite/i.test(rows[0]?.version ?? '');
}
