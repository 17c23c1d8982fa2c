// A real Dolibarr 23 database for a test: a database of its own on DATABASE_URL's server, copied
// from one this test process built at its first use (host-template.ts) with Dolibarr's own schema
// (crm-schemas/dolibarr.sql) loaded with psql as an installer would, rows seeded the way Dolibarr
// writes them (seed.ts), and the seeded files under a data root of their own. `unavailable` says why a run cannot have one (no DATABASE_URL, no schema file), so the
// test files skip with that reason instead of failing.
import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Knex } from 'knex';
import { migratePortal } from '../../src/migrations/index.ts';
import { insertClientUser } from '../../src/core/client-users/queries.ts';
import { createDolibarrAdapter } from '../../plugins/dolibarr/adapter.ts';
import { saveCalendarHours } from '../../plugins/dolibarr/queries/appointments.ts';
import { createKnex } from '../../src/core/db/connect.ts';
import type { HostAdapter } from '../../src/core/ports/host.ts';
import { portalOnHost, type PortalOnHost } from '../support/portal-on-host.ts';
import type { PortalConfigInput } from '../../src/core/config.ts';
import type { TestDatabase } from '../support/database.ts';
import { hostFromTemplate } from '../support/host-template.ts';
import { seedDolibarr, type DolibarrSeed } from './seed.ts';

const run = promisify(execFile);

/** crm-schemas/ beside the repository (../shared/crm-schemas), or where CRM_SCHEMAS_DIR points. */
const schemasDir = process.env.CRM_SCHEMAS_DIR ?? fileURLToPath(new URL('../../../shared/crm-schemas/', import.meta.url));
const DOLIBARR_SCHEMA = path.join(schemasDir, 'dolibarr.sql');
/** The Ticket module's tables and dictionary rows, as activating the module adds them to dolibarr.sql's. */
const DOLIBARR_TICKET_SCHEMA = path.join(schemasDir, 'dolibarr-ticket.sql');
/** Asset, BookCal and KnowledgeManagement's tables; loaded after the Ticket module's. */
const DOLIBARR_MORE_MODULES_SCHEMA = path.join(schemasDir, 'dolibarr-more-modules.sql');

/** Why no real Dolibarr database can be made in this run, or null when one can. */
export function unavailable(): string | null {
  if (!process.env.DATABASE_URL)
    return 'DATABASE_URL is not set: the real Dolibarr schema is loaded with psql into a PostgreSQL server, not the embedded engine';
  if (!existsSync(DOLIBARR_SCHEMA)) return `the Dolibarr schema is not at ${DOLIBARR_SCHEMA} (set CRM_SCHEMAS_DIR)`;
  return null;
}

export interface DolibarrHost {
  database: TestDatabase;
  db: Knex;
  dataRoot: string;
  seed: DolibarrSeed;
  close(): Promise<void>;
}

async function loadDolibarrSchema(url: string, modules: { ticket: boolean; more: boolean }): Promise<void> {
  // As Dolibarr's installer: the whole file, stopping at the first error; its SELECTs print nothing.
  const files = ['-f', DOLIBARR_SCHEMA];
  if (modules.ticket || modules.more) files.push('-f', DOLIBARR_TICKET_SCHEMA);
  if (modules.more) files.push('-f', DOLIBARR_MORE_MODULES_SCHEMA);
  await run('psql', ['-v', 'ON_ERROR_STOP=1', '-q', '-o', '/dev/null', ...files, url], { maxBuffer: 16 * 1024 * 1024 });
}

/** Why the Ticket module's schema cannot be loaded in this run, or null when it can. */
export function ticketModuleUnavailable(): string | null {
  return unavailable() ?? (existsSync(DOLIBARR_TICKET_SCHEMA) ? null : `the Ticket module's schema is not at ${DOLIBARR_TICKET_SCHEMA}`);
}

/** Why the KnowledgeManagement module's schema cannot be loaded in this run, or null when it can. */
export function knowledgeModuleUnavailable(): string | null {
  return (
    ticketModuleUnavailable() ??
    (existsSync(DOLIBARR_MORE_MODULES_SCHEMA) ? null : `the KnowledgeManagement module's schema is not at ${DOLIBARR_MORE_MODULES_SCHEMA}`)
  );
}

/**
 * A Dolibarr database, seeded; with `portalTables`, the portal's own tables migrated beside
 * Dolibarr's as `portal migrate` leaves them before the portal serves (the binding reads and
 * writes some of them: its index of pending proposals, the ticket statuses it saw); with
 * `ticketModule`, the Ticket module's tables too (dolibarr-ticket.sql) and the module switched on
 * for the entity, as its activation leaves them; with `knowledgeModule`, the KnowledgeManagement
 * module's tables (dolibarr-more-modules.sql, after the Ticket module's) and that module switched on.
 */
export async function startDolibarrHost(
  options: { portalTables?: boolean; ticketModule?: boolean; knowledgeModule?: boolean } = {},
): Promise<DolibarrHost> {
  const { portalTables = false, ticketModule = false, knowledgeModule = false } = options;
  const key = `dolibarr portal tables ${portalTables}, ticket ${ticketModule}, knowledge ${knowledgeModule}`;
  const { database, filesRoot, seed } = await hostFromTemplate(key, async (url, root) => {
    const db = createKnex(url);
    try {
      await loadDolibarrSchema(url, { ticket: ticketModule, more: knowledgeModule });
      const made = await seedDolibarr(db, root);
      if (ticketModule) await db('llx_const').insert({ name: 'MAIN_MODULE_TICKET', entity: 1, value: '1', type: 'chaine', visible: 0 });
      if (knowledgeModule)
        await db('llx_const').insert({ name: 'MAIN_MODULE_KNOWLEDGEMANAGEMENT', entity: 1, value: '1', type: 'chaine', visible: 0 });
      if (portalTables) await migratePortal(db);
      return made;
    } finally {
      await db.destroy();
    }
  });
  const db = createKnex(database.url);
  const close = async () => {
    await db.destroy();
    rmSync(filesRoot, { recursive: true, force: true });
    await database.drop();
  };
  return { database, db, dataRoot: filesRoot, seed, close };
}

/** The agenda's meeting type (llx_c_actioncomm.sql's AC_RDV, id 5): the events booking calendars write. */
export async function insertMeetingType(db: Knex): Promise<void> {
  await db('llx_c_actioncomm').insert({ id: 5, code: 'AC_RDV', type: 'system', libelle: 'Meeting', active: 1, position: 3 });
}

/**
 * A BookCal calendar as Dolibarr's card creates it (its ref as its label, the admin's), open every
 * day of the week from `opens` to `closes` for bookings of `minutes`, an hour's notice, 30 days
 * ahead, written as meetings (insertMeetingType). `status` 0 is a draft. Its rowid.
 */
export async function insertBookingCalendar(
  host: DolibarrHost,
  options: { ref?: string; status?: number; opens?: string; closes?: string; timeZone?: string; minutes?: number } = {},
): Promise<number> {
  const { db, seed } = host;
  const ref = options.ref ?? 'Consultation';
  const [row] = await db('llx_bookcal_calendar')
    .insert({
      entity: 1,
      ref,
      label: ref,
      status: options.status ?? 1,
      type: 0,
      visibility: seed.users.admin,
      fk_user_creat: seed.users.admin,
      date_creation: db.fn.now(),
    })
    .returning('rowid');
  const calendarId = (row as { rowid: number }).rowid;
  await saveCalendarHours(db, {
    entity: 1,
    calendarId,
    hours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens: options.opens ?? '09:00', closes: options.closes ?? '12:00' })),
    timeZone: options.timeZone ?? 'Europe/Paris',
    minutes: options.minutes ?? 60,
    noticeMinutes: 60,
    horizonDays: 30,
    eventType: 'AC_RDV',
  });
  return calendarId;
}

/**
 * Rows of Dolibarr's install data the seed leaves out and the tickets need: the automatic agenda
 * events' type (llx_c_actioncomm.sql's AC_OTH_AUTO, id 40) and the ticket's contact types
 * (llx_c_type_contact.sql's SUPPORTTEC, SUPPORTCLI).
 */
export async function insertTicketInstallRows(db: Knex): Promise<void> {
  await db('llx_c_actioncomm').insert({
    id: 40,
    code: 'AC_OTH_AUTO',
    type: 'systemauto',
    libelle: 'Other (automatically inserted events)',
    active: 1,
    position: 20,
  });
  await db('llx_c_type_contact').insert([
    { rowid: 155, element: 'ticket', source: 'internal', code: 'SUPPORTTEC', libelle: 'Utilisateur contact support', active: 1 },
    { rowid: 157, element: 'ticket', source: 'external', code: 'SUPPORTCLI', libelle: 'Contact client suivi incident', active: 1 },
  ]);
}

/**
 * What the letterhead of the portal's PDFs is read from, as Dolibarr saves it: Setup > Company
 * (dolibarr_set_const with $conf->entity; the country as 'rowid:code:label'; the street in entity 0
 * overridden by the entity's own), and the bakery's third-party card: its address and
 * intra-community VAT number, its country (France, as the agency's) from the dictionary.
 */
export async function insertLetterhead(host: DolibarrHost): Promise<void> {
  const { db, seed } = host;
  await db('llx_const').insert([
    companySetting(seed, 'MAIN_INFO_SOCIETE_ADDRESS', '1 rue Ancienne', 0),
    companySetting(seed, 'MAIN_INFO_SOCIETE_ADDRESS', '12 rue des Lilas\nBâtiment B'),
    companySetting(seed, 'MAIN_INFO_SOCIETE_ZIP', '69002'),
    companySetting(seed, 'MAIN_INFO_SOCIETE_TOWN', 'Lyon'),
    companySetting(seed, 'MAIN_INFO_SOCIETE_COUNTRY', '1:FR:France'),
    companySetting(seed, 'MAIN_INFO_TVAINTRA', 'FR12345678901'),
    companySetting(seed, 'MAIN_INFO_SIREN', '123 456 789'),
    companySetting(seed, 'MAIN_INFO_RCS', 'RCS Lyon B 123 456 789'),
  ]);
  await insertCountry(db, { rowid: 1, code: 'FR', code_iso: 'FRA', label: 'France' });
  await db('llx_societe')
    .where({ rowid: seed.companies.bakery })
    .update({ address: '8 place du Marché', zip: '69003', town: 'Lyon', fk_pays: 1, tva_intra: 'FR98765432109' });
}

/** The garage's card moved to Berlin, with no VAT number: a client in another country than the agency's. */
export async function moveGarageToGermany(host: DolibarrHost): Promise<void> {
  const { db, seed } = host;
  await insertCountry(db, { rowid: 5, code: 'DE', code_iso: 'DEU', label: 'Germany' });
  await db('llx_societe')
    .where({ rowid: seed.companies.garage })
    .update({ address: 'Hauptstraße 5', zip: '10115', town: 'Berlin', fk_pays: 5, tva_intra: null });
}

/** A setting of the seeded entity (or of `entity`) as dolibarr_set_const saves it in llx_const. */
export function companySetting(seed: DolibarrSeed, name: string, value: string, entity = seed.entity) {
  return { name, entity, value, type: 'chaine', visible: 0 };
}

/** A country of Dolibarr's dictionary (llx_c_country), unless it is there already. */
async function insertCountry(db: Knex, country: { rowid: number; code: string; code_iso: string; label: string }): Promise<void> {
  if (!(await db('llx_c_country').where({ rowid: country.rowid }).first('rowid')))
    await db('llx_c_country').insert({ ...country, active: 1 });
}

/**
 * What an accepted invitation leaves: the portal's own login for Claire Martin, the seeded bakery's
 * contact (with a password when one is given; else she signs in by code).
 */
export async function insertClaireLogin(db: Knex, seed: DolibarrSeed, passwordHash?: string): Promise<void> {
  await insertClientUser(db, {
    workspaceId: '1',
    clientId: String(seed.companies.bakery),
    contactId: String(seed.contacts.claire),
    email: 'claire@martin.example',
    status: 'active',
    ...(passwordHash ? { passwordHash } : {}),
  });
}

/** The binding for the seeded entity, writing as Dolibarr's admin user. */
export function seededAdapter(host: DolibarrHost): HostAdapter {
  const { db, seed } = host;
  return createDolibarrAdapter(db, { workspaceSlug: seed.workspaceSlug, dataRoot: host.dataRoot, actingUserId: seed.users.admin });
}

/** The portal serving over HTTP beside this Dolibarr, through the given binding (the seeded one by default). */
export function servePortalBeside(
  host: DolibarrHost,
  adapter: HostAdapter = seededAdapter(host),
  config: Partial<PortalConfigInput> = {},
): Promise<PortalOnHost> {
  return portalOnHost({
    db: host.db,
    databaseUrl: host.database.url,
    adapter,
    workspaceSlug: host.seed.workspaceSlug,
    from: 'Atelier Lumière <portal@atelier-lumiere.example>',
    serve: true,
    config,
  });
}
