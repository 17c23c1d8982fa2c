// How the portal answers for one person's data (GDPR art. 15, 17, 20): every module that keeps rows
// about a client user (the core, each feature) brings a hook that exports and erases them. The
// privacy feature builds the export archive and runs an approved erasure by going through the
// hooks, so the SQL of each table stays with the module that writes it, and a new table is covered
// by its own module's hook (test/portal/personal-data-coverage.test.ts fails on a table no hook
// declares).
import type { Knex } from 'knex';
import type { ClientUserWithAccessRow } from '../client-users/queries.ts';
import type { PortalSettings } from '../settings/portal-settings.ts';
import type { Translate } from '../i18n/translations.ts';

/** The name that stands where an erased person's name was, in what the agency keeps (messages, comments, uploads). */
export const ERASED_NAME = 'Former contact';

/** The person whose data is exported, as they stand now. */
export interface ExportSubject {
  workspaceId: string;
  workspaceName: string;
  user: ClientUserWithAccessRow;
  /** Their effective settings now: what their access lets them open. */
  settings: PortalSettings;
  /** Their language (the one the README is in): what the copy names for people, such as roles, is in it. */
  t: Translate;
}

/**
 * One entry of the export archive: a JSON file, bytes the database holds (a drawn signature), or a
 * file of the portal's storage, streamed into the archive when it is reached. A stored file that is
 * gone is not listed here: the JSON naming it says so with a null path.
 */
export type ArchiveEntry = { path: string; json: unknown } | { path: string; bytes: Buffer } | { path: string; storedFileId: string };

/** What one hook adds to a person's export. */
interface PersonalDataExport {
  /** Fields of profile.json, after those of the hooks before it. */
  profile?: Record<string, unknown>;
  /** Entries of the archive, in order: files first, then the JSON that names them. */
  entries?: ArchiveEntry[];
}

/** The person being erased, read before anything of theirs goes. */
export interface ErasedPerson {
  workspaceId: string;
  id: string;
  contactId: string;
  clientId: string;
  email: string;
}

/** What one hook's erasure changed: rows per kind (summed over hooks by kind), and stored files to delete once committed. */
interface PersonalDataErased {
  counts: Record<string, number>;
  storedFiles?: string[];
}

/** Queries returning one count each (`count(*)::int`), by kind: read in one statement with the other hooks'. */
type ErasureCounts = Record<string, Knex.QueryBuilder>;

export interface PersonalDataHook {
  /** The portal tables whose rows about a person this hook exports, erases or keeps on purpose. */
  tables: readonly string[];
  export(subject: ExportSubject): Promise<PersonalDataExport>;
  /**
   * Removes or anonymises the person's rows in the caller's transaction, so an erasure is whole or
   * nothing across hooks. Hooks erase in the reverse of their export order: the core's last, which
   * removes the client user row itself.
   */
  erase(trx: Knex.Transaction, person: ErasedPerson): Promise<PersonalDataErased>;
  /** What an approval would touch, counted for the agency's review before it decides. */
  counts?(db: Knex, person: { workspaceId: string; id: string }): ErasureCounts;
}
