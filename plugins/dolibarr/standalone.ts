// The Dolibarr binding of the standalone portal server (`npm run portal -- <command> --host
// dolibarr`): the settings an agency gives in the environment, the adapter on Dolibarr's own
// database, staff sign-in with their Dolibarr logins and passwords, and links to Dolibarr's pages.
import type { Knex } from 'knex';
import { z } from 'zod';
import {
  credentialStamp,
  StandaloneSetupError,
  type CrmRecordKind,
  type StandaloneBinding,
  type StandaloneHost,
  type StandaloneStaff,
} from '../standalone/binding.ts';
import { createDolibarrAdapter } from './adapter.ts';
import { dataRootWritable } from './ticket-uploads.ts';
import { dolibarrTicketModule } from './tickets.ts';
import { dolibarrKnowledgeModule } from './knowledge-base.ts';
import { dolibarrBookcalModule } from './appointments.ts';
import { dolibarrDevicesModule } from './devices.ts';
import { parseId, toHostId } from './ids.ts';
import { presentStaffUser } from './staff.ts';
import { entityCompanyContact } from './queries/constants.ts';
import { phpPasswordChecker } from './php-password.ts';
import { undecryptableStripeKeys } from './queries/constants.ts';
import {
  findActiveStaff,
  findStaffForSignIn,
  firstAdminId,
  staffReadRights,
  storedHashCost,
  type StaffCredentialRow,
} from './queries/staff.ts';

const SETTINGS = [
  {
    name: 'DOLIBARR_WORKSPACE_SLUG',
    required: true,
    description: "the portal's address name for this Dolibarr: /portal/<slug>/ (lower-case letters, digits, '-')",
  },
  {
    name: 'DOLIBARR_ENTITY',
    required: false,
    description: 'the Dolibarr entity served (default 1; other numbers only with the multicompany module)',
  },
  {
    name: 'DOL_DATA_ROOT',
    required: false,
    description: "Dolibarr's documents directory, readable by the portal; unset: Dolibarr's shared files are not listed",
  },
  {
    name: 'DOLIBARR_URL',
    required: false,
    description: "Dolibarr's address (e.g. https://erp.example.com); staff pages link to its records. Unset: no links",
  },
  {
    name: 'DOLIBARR_ACTING_USER',
    required: false,
    description: 'the llx_user rowid a payment from the portal is recorded as created by (default: the first admin)',
  },
  {
    name: 'DOLIBARR_INSTANCE_UNIQUE_ID',
    required: false,
    description:
      "$dolibarr_main_instance_unique_id from Dolibarr's conf.php: the key of its encrypted settings (the Stripe module's keys); unset: an encrypted key reads as absent",
  },
];

const positiveInt = (name: string) =>
  z
    .string()
    .regex(/^[1-9][0-9]{0,8}$/, `${name} must be a positive whole number`)
    .transform(Number);

const settingsSchema = z.object({
  DOLIBARR_WORKSPACE_SLUG: z
    .string({ error: 'DOLIBARR_WORKSPACE_SLUG is required: the name in the portal\'s address, e.g. "atelier"' })
    .regex(/^[a-z0-9][a-z0-9-]{0,59}$/, "DOLIBARR_WORKSPACE_SLUG must be lower-case letters, digits and '-' (at most 60)"),
  DOLIBARR_ENTITY: positiveInt('DOLIBARR_ENTITY').optional(),
  DOL_DATA_ROOT: z.string().min(1).optional(),
  DOLIBARR_URL: z
    .url({ protocol: /^https?$/, error: 'DOLIBARR_URL must be an http(s) address, e.g. https://erp.example.com' })
    .transform((url) => url.replace(/\/+$/, ''))
    .optional(),
  DOLIBARR_ACTING_USER: positiveInt('DOLIBARR_ACTING_USER').optional(),
  DOLIBARR_INSTANCE_UNIQUE_ID: z
    .string()
    .trim()
    .min(1, "DOLIBARR_INSTANCE_UNIQUE_ID must not be blank: the value of $dolibarr_main_instance_unique_id in Dolibarr's conf.php")
    .optional(),
});

/** Reads the binding's settings; an empty variable counts as unset. */
export function readDolibarrSettings(env: NodeJS.ProcessEnv) {
  const given = Object.fromEntries(SETTINGS.map(({ name }) => [name, env[name] === '' ? undefined : env[name]]));
  const parsed = settingsSchema.safeParse(given);
  if (!parsed.success) throw new StandaloneSetupError(parsed.error.issues[0]?.message ?? 'invalid Dolibarr settings');
  return parsed.data;
}

// Dolibarr's own card pages (htdocs/…/card.php) of each record the portal shows.
const RECORD_PAGES: Partial<Record<CrmRecordKind, string>> = {
  client: '/societe/card.php?socid=',
  contact: '/contact/card.php?id=',
  proposal: '/comm/propal/card.php?id=',
  invoice: '/compta/facture/card.php?facid=',
  task: '/projet/tasks/task.php?id=',
};

export const dolibarrStandalone: StandaloneBinding = {
  name: 'dolibarr',
  crmName: 'Dolibarr',
  settings: SETTINGS,
  // Its Stripe module's API key; the portal's endpoint brings its own webhook secret.
  keepsStripeKeys: true,
  async open(db: Knex, env: NodeJS.ProcessEnv): Promise<StandaloneHost> {
    const settings = readDolibarrSettings(env);
    const entity = settings.DOLIBARR_ENTITY ?? 1;
    const workspaceId = toHostId(entity);
    const actingUserId = settings.DOLIBARR_ACTING_USER ?? (await firstAdminId(db, { entity }).catch(() => null));
    const instanceUniqueId = settings.DOLIBARR_INSTANCE_UNIQUE_ID ?? null;
    // Tickets only where the Ticket module is on: its tables exist only once it was activated. A
    // database that cannot answer fails start-up at the claims check, as without tickets.
    const tickets = await dolibarrTicketModule(db, entity).catch(() => false);
    // The knowledge base likewise, where the KnowledgeManagement module is on.
    const knowledgeBase = await dolibarrKnowledgeModule(db, entity).catch(() => false);
    // Appointments where BookCal is on; requests always (their types are the portal's settings).
    const appointments = await dolibarrBookcalModule(db, entity).catch(() => false);
    // Devices where the Lot/Serial module is on: the serial numbers shipped to a client.
    const devices = await dolibarrDevicesModule(db, entity).catch(() => false);
    const adapter = createDolibarrAdapter(db, {
      workspaceSlug: settings.DOLIBARR_WORKSPACE_SLUG,
      entity,
      actingUserId,
      ...(settings.DOL_DATA_ROOT ? { dataRoot: settings.DOL_DATA_ROOT } : {}),
      ...(settings.DOLIBARR_URL ? { crmUrl: settings.DOLIBARR_URL } : {}),
      instanceUniqueId,
      tickets,
      knowledgeBase,
      requests: true,
      appointments,
      devices,
    });
    // Sign-in reads the password hash, which the adapter itself never touches. The staff's read
    // rights (staffReadRights) are the adapter's claims already: its staff pages read them too.
    adapter.claims = [...adapter.claims, { concept: 'staffUser', table: 'llx_user', columns: ['pass_crypted', 'flagdelsessionsbefore'] }];
    // An unknown login's decoy costs what the stored hashes cost (read from them), or the answer's
    // time would tell which logins exist.
    const passwords = phpPasswordChecker(() => storedHashCost(db, { entity }));
    // Dolibarr's read rights on proposals and invoices, read with the account (admins hold all).
    const withRights = async (row: StaffCredentialRow): Promise<StandaloneStaff> => {
      if (row.admin === 1) return present(row);
      const rights = await staffReadRights(db, { entity, userId: row.rowid });
      return { ...present(row), readsRecords: { proposal: rights.propale, invoice: rights.facture } };
    };
    const present = (row: StaffCredentialRow): StandaloneStaff => ({
      ...presentStaffUser(row, workspaceId),
      // A new password or Dolibarr's "disconnect all sessions" (flagdelsessionsbefore) ends the sessions here too.
      credentialStamp: credentialStamp(row.pass_crypted, row.flagdelsessionsbefore),
    });
    return {
      adapter,
      async listWorkspaces() {
        const workspace = await adapter.workspaces.findById(workspaceId);
        return workspace ? [workspace] : [];
      },
      async signInStaff(login, password) {
        const name = login.trim();
        const candidates = name === '' || name.length > 255 ? [] : await findStaffForSignIn(db, { entity, login: name });
        if (candidates.length === 0) return passwords.decoy(password).then(() => null);
        // Usually one account; an email shared by several is tried in order (login match first).
        for (const row of candidates) {
          if (await passwords.verify(password, row.pass_crypted)) return withRights(row);
        }
        return null;
      },
      async staffAccountsFor(login) {
        const name = login.trim();
        if (name === '' || name.length > 255) return [];
        return (await findStaffForSignIn(db, { entity, login: name })).map((row) => ({ workspaceId, id: toHostId(row.rowid) }));
      },
      async findStaff(id, staffId) {
        const userId = parseId(staffId);
        if (id !== workspaceId || userId === null) return null;
        const row = await findActiveStaff(db, { entity, userId });
        return row ? withRights(row) : null;
      },
      crmRecordUrl(kind, id) {
        const page = RECORD_PAGES[kind];
        const rowid = parseId(id);
        if (!settings.DOLIBARR_URL || !page || rowid === null) return null;
        return `${settings.DOLIBARR_URL}${page}${rowid}`;
      },
      // Encrypted Stripe keys that do not decrypt read as absent: the portal would take no card
      // payment with Dolibarr's Stripe account (or fall back to STRIPE_SECRET_KEY's), silently.
      // And the clients' ticket files, which go where Dolibarr's staff see them only through a
      // data root the portal may write.
      async startupWarnings() {
        const warnings: string[] = [];
        const names = await undecryptableStripeKeys(db, { entity, decryptKey: instanceUniqueId });
        if (names.length > 0) {
          const why = instanceUniqueId
            ? 'do not decrypt with DOLIBARR_INSTANCE_UNIQUE_ID'
            : 'are encrypted and DOLIBARR_INSTANCE_UNIQUE_ID is unset';
          warnings.push(
            `Dolibarr's Stripe keys (${names.join(', ')}, entity ${entity}) ${why}: set DOLIBARR_INSTANCE_UNIQUE_ID to $dolibarr_main_instance_unique_id from Dolibarr's conf.php. Until then the portal reads them as absent and takes no card payment with Dolibarr's Stripe account.`,
          );
        }
        if (tickets && !dataRootWritable(settings.DOL_DATA_ROOT)) {
          const why = settings.DOL_DATA_ROOT
            ? `DOL_DATA_ROOT (${settings.DOL_DATA_ROOT}) is not writable by this process`
            : 'DOL_DATA_ROOT is unset';
          warnings.push(
            `${why}: the files clients send with their tickets stay in the portal, and Dolibarr's staff do not see them on the ticket's "Linked files" tab. Set DOL_DATA_ROOT to Dolibarr's documents directory ($dolibarr_main_data_root), writable by the portal, to put them there.`,
          );
        }
        return warnings;
      },
      // A fresh Dolibarr's admin has no email, and the agency is who the client knows: its company settings.
      agencySender: (id) => (id === workspaceId ? entityCompanyContact(db, { entity }) : Promise.resolve(null)),
    };
  },
};
