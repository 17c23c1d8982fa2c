// What a CRM binding gives the portal server that runs beside a CRM that is not Node (Dolibarr is
// PHP, Alga PSA is Next.js): `npm run portal -- migrate|invite|serve --host <name>`. The server
// owns the staff session (the CRM's own session lives in another process it cannot read), so a
// binding says how a CRM account signs in and which workspaces there are; the portal does the rest
// through the binding's HostAdapter, as it does inside a Node host.
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { HostAdapter, HostStaffUser, HostWorkspace } from '../../src/index.ts';

/** A setting the binding reads from the environment, listed by `npm run portal -- --help`. */
interface StandaloneSetting {
  name: string;
  required: boolean;
  description: string;
}

/** A missing or invalid setting, said to the person running the command (no stack trace). */
export class StandaloneSetupError extends Error {
  override name = 'StandaloneSetupError';
}

/** signInStaff's answer for a right password on an account the CRM also asks a second factor of, missing or wrong. */
export const SECOND_FACTOR_NEEDED = 'second-factor-needed';

/**
 * A staff member as the CRM has them now, with a stamp of their credentials: the session keeps the
 * stamp of its sign-in and ends once the CRM's differs (a new password, Dolibarr's "disconnect all
 * sessions").
 */
export type StandaloneStaff = HostStaffUser & { credentialStamp: string };

/** A stamp of what, when the CRM changes it, ends the account's sessions here (one-way: no hash leaves). */
export function credentialStamp(...parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
}

/** The record kinds the server links to the CRM's own pages. */
export type CrmRecordKind = 'client' | 'contact' | 'proposal' | 'quotation' | 'invoice' | 'task' | 'document';

export interface StandaloneHost {
  /** The binding's adapter on the CRM's database. The server replaces its `staff.current` with its own staff session. */
  adapter: HostAdapter;
  /** Every workspace this server serves (Dolibarr: the configured entity; Alga PSA: each tenant). */
  listWorkspaces(): Promise<HostWorkspace[]>;
  /**
   * A CRM staff account signing in with its CRM password (Dolibarr llx_user, Alga internal users):
   * the staff user, or null for an unknown login, a wrong password or a disabled account. Takes
   * as long for an unknown login as for a wrong password. An account the CRM asks a second factor
   * of (Alga's TOTP) signs in only with `secondFactor` right; otherwise SECOND_FACTOR_NEEDED.
   */
  signInStaff(login: string, password: string, secondFactor?: string): Promise<StandaloneStaff | null | typeof SECOND_FACTOR_NEEDED>;
  /**
   * The enabled staff accounts a typed login names, as signInStaff would try them, without looking
   * at any password: the sign-in limit counts attempts per account, so one account's login and its
   * email share one budget. Empty for a login that names no one (counted by what was typed then).
   */
  staffAccountsFor(login: string): Promise<Array<{ workspaceId: string; id: string }>>;
  /** The staff user of a signed-in session, read again on each request: null once disabled in the CRM. */
  findStaff(workspaceId: string, staffId: string): Promise<StandaloneStaff | null>;
  /**
   * Optional: why no staff account signs in here (a binding file's `staff: none`), which `serve`
   * says instead of where staff sign in. The staff sign-in page then refuses every login.
   */
  noStaffSignIn?: string;
  /** The CRM's own page of a record (from the binding's base URL setting), or null when it has none. */
  crmRecordUrl(kind: CrmRecordKind, id: string): string | null;
  /**
   * Optional: what `serve` logs once at start-up as warnings, each naming what to set: a setting
   * the CRM's data needs that the environment lacks (Dolibarr's encrypted Stripe keys without
   * their key). The server runs on; the warning says what does not work until then.
   */
  startupWarnings?(): Promise<string[]>;

  /**
   * Optional: the agency as the CRM's own settings name it (Dolibarr: Home > Setup > Company), each
   * part null where it is not set. With it, an invitation from the command line goes out in the
   * agency's name, replies to its email; without it, in the name of the workspace's first admin.
   */
  agencySender?(workspaceId: string): Promise<AgencySender | null>;
}

/** The agency's name and email address from the CRM's settings. */
interface AgencySender {
  name: string | null;
  email: string | null;
}

export interface StandaloneBinding {
  /** The `--host` value: 'dolibarr', 'alga-psa'. */
  name: string;
  /** The CRM's name as people say it: 'Dolibarr', 'Alga PSA'. */
  crmName: string;
  settings: StandaloneSetting[];
  /** The CRM keeps a Stripe API key the portal uses (Dolibarr's Stripe module): STRIPE_WEBHOOK_SECRET may come alone. */
  keepsStripeKeys?: boolean;
  /** Reads the settings (throws StandaloneSetupError naming what is wrong) and binds to the CRM's database. */
  open(db: Knex, env: NodeJS.ProcessEnv): Promise<StandaloneHost>;
}
