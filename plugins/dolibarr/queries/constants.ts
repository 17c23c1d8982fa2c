// Dolibarr's per-entity settings (llx_const), as $conf->global holds them: entity 0 holds
// instance-wide values, the entity's own row wins over it (conf.class.php loads both, the entity's
// last). Dolibarr 17+ stores sensitive values encrypted ('dolcrypt:<cipher>:<iv>:<base64>',
// dolEncrypt in core/lib/security.lib.php); they read back in clear only with the instance's key
// ($dolibarr_main_instance_unique_id in conf.php).
import { createDecipheriv } from 'node:crypto';
import type { NameSettings } from '../names.ts';
import type { Db } from './db.ts';

async function constant(db: Db, entity: number, name: string): Promise<string | null> {
  const row = await db('llx_const')
    .where('name', name)
    .whereIn('entity', [0, entity])
    .orderBy('entity', 'desc')
    .first<{ value: string } | undefined>('value');
  return row?.value ?? null;
}

/** Several constants in one read, each as constant() would answer it. */
async function constants<N extends string>(db: Db, entity: number, names: readonly N[]): Promise<Record<N, string | null>> {
  const rows = await db('llx_const')
    .whereIn('name', names as readonly string[])
    .whereIn('entity', [0, entity])
    .orderBy('entity', 'asc')
    .select<Array<{ name: N; value: string }>>('name', 'value');
  const found = Object.fromEntries(names.map((name) => [name, null])) as Record<N, string | null>;
  for (const row of rows) found[row.name] = row.value;
  return found;
}

/** getDolGlobalInt: a setting as a number, 0 when absent or not a number. */
const int = (value: string | null) => {
  const parsed = Number.parseInt(value ?? '', 10);
  return Number.isSafeInteger(parsed) ? parsed : 0;
};

/**
 * dolDecrypt: the clear value of a 'dolcrypt:' setting, or the value as it is. PHP's openssl_decrypt
 * takes the key's bytes padded with zeros (or cut) to the cipher's key length, the IV as the text
 * between the colons, and base64 text. Null when the value is encrypted and no key was given or it
 * does not decrypt to text.
 */
function dolibarrDecrypt(value: string, key: string | null): string | null {
  const match = /^dolcrypt:([^:]+):(.+)$/.exec(value);
  if (!match) return value;
  const [, cipher = '', rest = ''] = match;
  const split = rest.indexOf(':');
  if (!key || split < 0 || cipher.toUpperCase() !== 'AES-256-CTR') return null;
  const iv = Buffer.from(rest.slice(0, split), 'latin1');
  if (iv.length !== 16) return null;
  const keyBytes = Buffer.alloc(32);
  Buffer.from(key, 'utf8').copy(keyBytes, 0, 0, 32);
  const decipher = createDecipheriv('aes-256-ctr', keyBytes, iv);
  const clear = Buffer.concat([decipher.update(Buffer.from(rest.slice(split + 1), 'base64')), decipher.final()]).toString('utf8');
  return clear.includes('\uFFFD') ? null : clear;
}

/** MAIN_MONNAIE: the currency every total_* column of the entity is in. */
export const entityCurrency = (db: Db, args: { entity: number }) => constant(db, args.entity, 'MAIN_MONNAIE');

/**
 * The upload settings dol_add_file_process and dol_move_uploaded_file read (Setup > Security >
 * Files upload): MAIN_FILE_EXTENSION_UPLOAD_RESTRICTION, the extensions refused (absent: Dolibarr's
 * default list, upload-names.ts; set, even to '', the agency's own), and
 * MAIN_DOCUMENT_IS_OUTSIDE_WEBROOT_SO_NOEXE_NOT_REQUIRED (getDolGlobalString: '' and '0' are off).
 */
export async function uploadNameRules(
  db: Db,
  args: { entity: number },
): Promise<{ refusedExtensions?: string[]; noexeNotRequired: boolean }> {
  const found = await constants(db, args.entity, [
    'MAIN_FILE_EXTENSION_UPLOAD_RESTRICTION',
    'MAIN_DOCUMENT_IS_OUTSIDE_WEBROOT_SO_NOEXE_NOT_REQUIRED',
  ]);
  const restriction = found.MAIN_FILE_EXTENSION_UPLOAD_RESTRICTION;
  const noexe = found.MAIN_DOCUMENT_IS_OUTSIDE_WEBROOT_SO_NOEXE_NOT_REQUIRED;
  return {
    // empty($fileextensionrestriction): nothing refused; else each comma-separated entry, trimmed.
    ...(restriction === null
      ? {}
      : { refusedExtensions: restriction === '' || restriction === '0' ? [] : restriction.split(',').map((e) => e.trim()) }),
    noexeNotRequired: noexe !== null && noexe !== '' && noexe !== '0',
  };
}

/** MAIN_INFO_SOCIETE_NOM: the agency's name as set up in Dolibarr (Home > Setup > Company). */
export const entityCompanyName = (db: Db, args: { entity: number }) => constant(db, args.entity, 'MAIN_INFO_SOCIETE_NOM');

export interface InvoiceSettings {
  /** MAIN_MONNAIE, as entityCurrency reads it. */
  currency: string | null;
  /** MAIN_INFO_SOCIETE_NOM, as entityCompanyName reads it. */
  companyName: string | null;
  /**
   * FACTURE_RIB_NUMBER (Setup > Invoices, saved with $conf->entity): the llx_bank_account rowid an
   * invoice naming no account of its own is paid to, as getDolGlobalInt reads it; 0 for none.
   */
  defaultBankAccountId: number;
  /**
   * FACTURE_TVAOPTION is '0' ('franchise' before Dolibarr 13, which its v13 migration turns into
   * 0): Setup > Company says the company is not subject to VAT (Dolibarr's $mysoc->tva_assuj).
   */
  vatNotUsed: boolean;
  /** The country code of MAIN_INFO_SOCIETE_COUNTRY ('1:FR:France' → 'FR'); null where unset. */
  countryCode: string | null;
}

const INVOICE_NAMES = [
  'MAIN_MONNAIE',
  'MAIN_INFO_SOCIETE_NOM',
  'FACTURE_RIB_NUMBER',
  'FACTURE_TVAOPTION',
  'MAIN_INFO_SOCIETE_COUNTRY',
] as const;

/** What an invoice's page needs of the entity's settings, in one read. */
export async function invoiceSettings(db: Db, args: { entity: number }): Promise<InvoiceSettings> {
  const c = await constants(db, args.entity, INVOICE_NAMES);
  const option = c.FACTURE_TVAOPTION?.trim().toLowerCase();
  // Dolibarr itself reads an absent option as "not subject to VAT" too; a binding saying so on an
  // invoice must rest on the setting being made, so only a stored '0' counts.
  return {
    currency: c.MAIN_MONNAIE,
    companyName: c.MAIN_INFO_SOCIETE_NOM,
    defaultBankAccountId: int(c.FACTURE_RIB_NUMBER),
    vatNotUsed: option === '0' || option === 'franchise',
    countryCode: /^\d+:([A-Z]{2}):/.exec(c.MAIN_INFO_SOCIETE_COUNTRY ?? '')?.[1] ?? null,
  };
}

/** The agency's name and email as set up in Dolibarr (Home > Setup > Company), trimmed; null where blank. */
export async function entityCompanyContact(db: Db, args: { entity: number }): Promise<{ name: string | null; email: string | null }> {
  const c = await constants(db, args.entity, ['MAIN_INFO_SOCIETE_NOM', 'MAIN_INFO_SOCIETE_MAIL'] as const);
  return { name: c.MAIN_INFO_SOCIETE_NOM?.trim() || null, email: c.MAIN_INFO_SOCIETE_MAIL?.trim() || null };
}

/** getDolGlobalString as PHP tests it: a setting is on unless absent, '' or '0'. */
const on = (value: string | null | undefined) => value != null && value !== '' && value !== '0';

/**
 * Whether Dolibarr's agenda trigger records an event for this trigger in the entity: the agenda
 * module on (MAIN_MODULE_AGENDA, isModEnabled('agenda')) and MAIN_AGENDA_ACTIONAUTO_<trigger> set
 * (Agenda setup > "Automatic events"), as InterfaceActionsAuto::runTrigger checks first.
 */
export async function agendaRecords(db: Db, args: { entity: number; trigger: string }): Promise<boolean> {
  const key = `MAIN_AGENDA_ACTIONAUTO_${args.trigger}`;
  const c = await constants(db, args.entity, ['MAIN_MODULE_AGENDA', key]);
  return on(c.MAIN_MODULE_AGENDA) && on(c[key]);
}

/**
 * What an approval's decision event needs of the setup, in one read: whether the agenda module is
 * on (isModEnabled('agenda'): there is no MAIN_AGENDA_ACTIONAUTO_ setting for an event Dolibarr
 * itself never triggers) and MAIN_LANG_DEFAULT, the language the instance is set up in ('de_DE',
 * 'auto' for the browser's; null where unset).
 */
export async function approvalEventSettings(db: Db, args: { entity: number }): Promise<{ agenda: boolean; language: string | null }> {
  const c = await constants(db, args.entity, ['MAIN_MODULE_AGENDA', 'MAIN_LANG_DEFAULT'] as const);
  return { agenda: on(c.MAIN_MODULE_AGENDA), language: c.MAIN_LANG_DEFAULT };
}

/** MAIN_LANG_DEFAULT: the language the instance is set up in ('de_DE', 'auto' for the browser's); null where unset. */
export const entityLanguage = (db: Db, args: { entity: number }) => constant(db, args.entity, 'MAIN_LANG_DEFAULT');

/** isModEnabled(<module>) for the entity: MAIN_MODULE_<MODULE> set, as activating the module in Setup > Modules writes it. */
export async function moduleEnabled(db: Db, args: { entity: number; module: string }): Promise<boolean> {
  const key = `MAIN_MODULE_${args.module.toUpperCase()}`;
  const c = await constants(db, args.entity, [key]);
  return on(c[key]);
}

export interface StripeModuleSettings {
  /** MAIN_MODULE_STRIPE: the Stripe module is switched on. */
  enabled: boolean;
  /** STRIPE_LIVE: live mode; off, Dolibarr uses the test keys ($service 'StripeTest'). */
  live: boolean;
  /**
   * STRIPE_{TEST,LIVE}_SECRET_KEY of the mode in force, in clear; null where absent. Its
   * _WEBHOOK_KEY is not read: it signs the events of Dolibarr's own endpoint, not the portal's.
   */
  secretKey: string | null;
  /** STRIPE_BANK_ACCOUNT_FOR_PAYMENTS: the llx_bank_account rowid Stripe payments are booked on; 0 for none. */
  bankAccountId: number;
  /** STRIPE_PAYMENT_MODE_FOR_PAYMENTS: the llx_c_paiement id of a Stripe payment; 0 means 'CB'. */
  paymentModeId: number;
  /** MAIN_MODULE_BANQUE: the bank module is on (paymentok.php books a bank line only then). */
  bankModule: boolean;
  /** MAIN_MODULE_MULTICURRENCY: amounts in an account of another currency are the invoice currency's. */
  multicurrency: boolean;
}

const STRIPE_NAMES = [
  'MAIN_MODULE_STRIPE',
  'STRIPE_LIVE',
  'STRIPE_TEST_SECRET_KEY',
  'STRIPE_LIVE_SECRET_KEY',
  'STRIPE_BANK_ACCOUNT_FOR_PAYMENTS',
  'STRIPE_PAYMENT_MODE_FOR_PAYMENTS',
  'MAIN_MODULE_BANQUE',
  'MAIN_MODULE_MULTICURRENCY',
] as const;

/** The mode in force's key name: STRIPE_LIVE on, the live key; off, the test key. */
const stripeKeyNames = (live: boolean) => (live ? (['STRIPE_LIVE_SECRET_KEY'] as const) : (['STRIPE_TEST_SECRET_KEY'] as const));

/**
 * The Stripe module's keys of the mode in force that Dolibarr keeps encrypted but that do not
 * decrypt with the key given (none, or another instance's): stripeModuleSettings reads them as
 * absent. None while the module is off, since nothing reads them then.
 */
export async function undecryptableStripeKeys(db: Db, args: { entity: number; decryptKey: string | null }): Promise<string[]> {
  const c = await constants(db, args.entity, STRIPE_NAMES);
  if (int(c.MAIN_MODULE_STRIPE) <= 0) return [];
  return stripeKeyNames(int(c.STRIPE_LIVE) > 0).filter((name) => {
    const value = c[name];
    return value !== null && dolibarrDecrypt(value, args.decryptKey) === null;
  });
}

/**
 * The Stripe module's settings as htdocs/stripe/admin/stripe.php saves them (dolibarr_set_const
 * with $conf->entity) and the module's pages read them (getDolGlobalString / getDolGlobalInt):
 * the mode is STRIPE_LIVE, the keys are the mode's.
 */
export async function stripeModuleSettings(db: Db, args: { entity: number; decryptKey: string | null }): Promise<StripeModuleSettings> {
  const c = await constants(db, args.entity, STRIPE_NAMES);
  const live = int(c.STRIPE_LIVE) > 0;
  const [secretKeyName] = stripeKeyNames(live);
  const clear = (value: string | null) => {
    const text = value === null ? null : dolibarrDecrypt(value, args.decryptKey);
    return text?.trim() ? text.trim() : null;
  };
  return {
    enabled: int(c.MAIN_MODULE_STRIPE) > 0,
    live,
    secretKey: clear(c[secretKeyName]),
    bankAccountId: int(c.STRIPE_BANK_ACCOUNT_FOR_PAYMENTS),
    paymentModeId: int(c.STRIPE_PAYMENT_MODE_FOR_PAYMENTS),
    bankModule: int(c.MAIN_MODULE_BANQUE) > 0,
    multicurrency: int(c.MAIN_MODULE_MULTICURRENCY) > 0,
  };
}

/**
 * What Propal::create takes from the setup for a new proposal: PROPALE_VALIDITY_DURATION (days the
 * proposal is valid, 15 when unset, as propal/card.php's default) and PROPALE_ADDON_PDF (its model).
 */
export async function proposalDefaults(db: Db, args: { entity: number }): Promise<{ validityDays: number; modelPdf: string | null }> {
  const c = await constants(db, args.entity, ['PROPALE_VALIDITY_DURATION', 'PROPALE_ADDON_PDF']);
  const days = int(c.PROPALE_VALIDITY_DURATION);
  return { validityDays: days > 0 ? days : 15, modelPdf: c.PROPALE_ADDON_PDF?.trim() || null };
}

/**
 * What Contact::create and the "New contact" card read of the setup, in one read: the name
 * settings (names.ts NameSettings) and the agency's own country (Setup > Company,
 * MAIN_INFO_SOCIETE_COUNTRY 'rowid:code:label', $mysoc->country_id), which the card preselects
 * for a third party that has none; null where unset.
 */
export async function newContactSettings(
  db: Db,
  args: { entity: number },
): Promise<{ names: NameSettings; agencyCountryId: number | null }> {
  const c = await constants(db, args.entity, [
    'MAIN_TE_PRIVATE_FIRST_AND_LASTNAME_TO_UPPER',
    'MAIN_FIRST_TO_UPPER',
    'MAIN_ALL_TO_UPPER',
    'MAIN_FIRSTNAME_NAME_POSITION',
    'MAIN_INFO_SOCIETE_COUNTRY',
  ] as const);
  const country = int(c.MAIN_INFO_SOCIETE_COUNTRY?.split(':')[0] ?? null);
  return {
    names: {
      privateToUpper: on(c.MAIN_TE_PRIVATE_FIRST_AND_LASTNAME_TO_UPPER),
      firstToUpper: on(c.MAIN_FIRST_TO_UPPER),
      allToUpper: on(c.MAIN_ALL_TO_UPPER),
      lastnameFirst: on(c.MAIN_FIRSTNAME_NAME_POSITION),
    },
    agencyCountryId: country > 0 ? country : null,
  };
}
