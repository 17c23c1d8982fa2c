// The binding file: what a CRM keeps where, as data. For each concept the portal serves, the host
// table, its key, the path from a record to its workspace and client company, the columns of what
// the portal shows, the map from the host's status values to the portal's states, and the writes
// the host makes as it makes them (parameterised statements). Nothing here is SQL built from
// strings: names are checked against a strict pattern and quoted, values are bound, and a declared
// statement's parameters are named and bound (statements.ts).
import { z } from 'zod';
import { SUPPORTED_LOCALES } from '../../src/index.ts';

/** A table or column name as PostgreSQL spells an unquoted one; nothing else is accepted. */
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const name = (what: string) => z.string().regex(NAME, `${what} must be a plain name (letters, digits, _), such as client_id`);

/**
 * A table, optionally in a schema: `clients`, `public.clients`. A table's name may begin with a
 * digit (tables prefixed with a company's number: `0_customers`); names are always quoted in SQL.
 */
const tableName = z
  .string()
  .regex(
    /^([A-Za-z_][A-Za-z0-9_]{0,62}\.)?[A-Za-z0-9_]{1,63}$/,
    'a table must be a plain name, optionally with its schema: clients, public.clients',
  );

/** A column of the concept's table (`status_id`) or of one of its joins (`c.settings`). */
const columnRef = z
  .string()
  .regex(
    /^([A-Za-z_][A-Za-z0-9_]{0,62}\.)?[A-Za-z_][A-Za-z0-9_]{0,62}$/,
    "a column must be a plain name, or a join's alias and a name: status_id, c.settings",
  );

const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** The sections that say whose records they are by a workspace column (their `workspace` key). */
export const WORKSPACE_SCOPED_SECTIONS = [
  'clients',
  'contacts',
  'staff',
  'proposals',
  'quotations',
  'invoices',
  'tasks',
  'projects',
  'knowledgeBase',
  'tickets',
] as const;

/**
 * Where a value the portal shows comes from: a column (`name`), text at a path in a JSON column,
 * several values joined (a first and a last name), the first that is not empty, a fixed value, a
 * value translated through a map (Invoice Ninja's currency ids), or arithmetic on amounts kept in
 * several columns: a sum less other values (an invoice's net, tax and freight less what is
 * allocated), a product (a discount kept as a fraction, as a percent), and the sign of an amount
 * rounded to cents (-1, 0, 1: what a status map tells a settled balance from an open one by).
 */

export type Value =
  | string
  | { column: string }
  | { json: string; path: string }
  | { concat: Value[]; separator?: string }
  | { first: Value[] }
  | { constant: string | number }
  | { map: Value; values: Record<string, string>; otherwise?: string; else?: Value }
  | { sumOfRows: SumOf[] }
  | { sum: Value[]; minus?: Value[] }
  | { product: Value[] }
  | { sign: Value }
  | { lower: Value }
  | { setting: string }
  | { split: Value; by: string; part: number };

/** A column summed over the rows of another table that point at the record. */
export interface SumOf {
  column: string;
  of: string;
  on: Record<string, Value>;
  where?: Record<string, string | number | boolean | null | Array<string | number | boolean>>;
}

const valueSchema: z.ZodType<Value> = z.lazy(() =>
  z.union([
    columnRef,
    z.strictObject({ column: columnRef }),
    z.strictObject({
      json: columnRef,
      path: z.string().regex(/^[A-Za-z0-9_]{1,63}(\.[A-Za-z0-9_]{1,63}){0,7}$/, 'a JSON path is keys joined by dots: settings.currency_id'),
    }),
    z.strictObject({ concat: z.array(valueSchema).min(1).max(8), separator: z.string().max(10).optional() }),
    z.strictObject({ first: z.array(valueSchema).min(1).max(8) }),
    z.strictObject({ constant: z.union([z.string().max(500), z.number()]) }),
    // `else`: a value for a host value not listed, read from the row (instead of the fixed `otherwise`).
    z
      .strictObject({
        map: valueSchema,
        values: z.record(z.string(), z.string()),
        otherwise: z.string().optional(),
        else: valueSchema.optional(),
      })
      .refine((map) => map.otherwise === undefined || map.else === undefined, 'a map takes otherwise (fixed) or else (a value), not both'),
    // Columns summed over the rows of other tables that point at this one, added up (Dolibarr's
    // payments and credit notes used on an invoice):
    // `{ sumOfRows: [{ column: amount, of: llx_paiement_facture, on: { fk_facture: rowid } }] }`.
    z.strictObject({
      sumOfRows: z
        .array(
          z.strictObject({
            column: name('a summed column'),
            of: tableName,
            on: z
              .record(name('a column of the summed table'), valueSchema)
              .refine((on) => Object.keys(on).length > 0, 'a sum needs at least one column in "on"'),
            where: z.record(name('a column of the summed table'), z.union([scalar, z.null(), z.array(scalar).min(1)])).optional(),
          }),
        )
        .min(1)
        .max(4),
    }),
    z.strictObject({ sum: z.array(valueSchema).min(1).max(8), minus: z.array(valueSchema).min(1).max(8).optional() }),
    z.strictObject({ product: z.array(valueSchema).min(2).max(4) }),
    z.strictObject({ sign: valueSchema }),
    // Text in lower case (a host's code, where the portal's words are lower case).
    z.strictObject({ lower: valueSchema }),
    // One of the workspace's settings (the file's `settings` table), by its name: `{ setting: COMPANY_NAME }`.
    z.strictObject({ setting: z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/, 'a setting is named by letters, digits, _ . -') }),
    // A part of text kept with a separator ('1:FR:France' → part 2 by ':' is FR), counted from 1.
    z.strictObject({ split: valueSchema, by: z.string().min(1).max(5), part: z.number().int().min(1).max(20) }),
  ]),
);

/** Rows that hold the concept: each column equals its value, is null (`null`), or is one of a list. */
const whereSchema = z.record(columnRef, z.union([scalar, z.null(), z.array(scalar).min(1)]));
export type Where = z.infer<typeof whereSchema>;

/** A condition on a row: every part of a where (`{ is_admin: 1 }`), or any of several. */
const conditionSchema = z.union([whereSchema, z.strictObject({ anyOf: z.array(whereSchema).min(1) })]);
export type Condition = z.infer<typeof conditionSchema>;

/** Another table read with the concept's: left-joined on its columns equal to values of the rows before it. */
const joinSchema = z.strictObject({
  table: tableName,
  as: name('a join\'s alias ("as")').refine((alias) => alias !== 'r', "the alias r is the concept's own table"),
  on: z.record(name('a joined column'), valueSchema).refine((on) => Object.keys(on).length > 0, 'a join needs at least one column in "on"'),
});
export type Join = z.infer<typeof joinSchema>;

/** What every concept has: its table, its key, its joins and the rows of it that hold the concept. */
const tableConcept = {
  table: tableName,
  key: name('key'),
  joins: z.array(joinSchema).max(6).optional(),
  where: whereSchema.optional(),
};

/** Where the record's workspace is: a value (a column, usually); absent with one fixed workspace. */
const workspaceRef = { workspace: valueSchema.optional() };

const moneyScale = z.enum(['decimal', 'cents'], { error: 'amounts is decimal (12.50) or cents (1250)' });

/** The host's status values of a concept, and which of the portal's states each means. */
function statusSchema<S extends string>(states: readonly [S, ...S[]]) {
  return z.strictObject({
    column: valueSchema,
    states: z.partialRecord(z.enum(states), z.array(scalar).min(1)),
    /** Values that are never shown (drafts): the check accepts them as covered. */
    hidden: z.array(scalar).optional(),
  });
}

/** Lines in their own table, or an array in a JSON column of the record (Invoice Ninja's line_items). */
const linesSchema = z.union([
  z.strictObject({
    table: tableName,
    key: name('key'),
    parent: name('parent'),
    order: z.array(name('an order column')).max(3).optional(),
    where: whereSchema.optional(),
    description: valueSchema,
    quantity: valueSchema,
    unitPrice: valueSchema,
    total: valueSchema.optional(),
    taxRate: valueSchema.optional(),
    discountPercent: valueSchema.optional(),
  }),
  z.strictObject({
    json: columnRef,
    description: z.union([z.string(), z.array(z.string()).min(1)]),
    quantity: z.string(),
    unitPrice: z.string(),
    total: z.string().optional(),
    taxRate: z.string().optional(),
    discountPercent: z.string().optional(),
  }),
]);
export type Lines = z.infer<typeof linesSchema>;

/**
 * A write as the host makes it: one statement, or several run in order in one transaction. The
 * first changes exactly the record it is about or nothing (then the others are not run and the
 * portal's answer is "no longer possible"). Parameters are `:name`; a statement's `returning`
 * columns become parameters of the statements after it.
 */
const writeSchema = z.union([z.string().min(10).max(4000), z.array(z.string().min(10).max(4000)).min(1).max(8)]);
export type Write = z.infer<typeof writeSchema>;

/** The hash formats the portal reads and writes a contact's password in. */
export const CONTACT_PASSWORD_FORMATS = ['bcrypt', 'php', 'argon2id'] as const;
/** The formats it verifies a staff password in: those and md5 (below). */
export const STAFF_PASSWORD_FORMATS = [...CONTACT_PASSWORD_FORMATS, 'md5'] as const;

const passwordSchema = z.strictObject({
  column: name('password column'),
  /** bcrypt ($2b$), php (password_hash: $2y$ bcrypt, or argon2), argon2id. */
  format: z.enum(CONTACT_PASSWORD_FORMATS, {
    error: (issue) =>
      issue.input === 'md5'
        ? 'format is one of bcrypt, php, argon2id (md5 is read for staff only: the portal never writes an unsalted hash)'
        : 'format is one of bcrypt, php, argon2id',
  }),
  /** The value the host stores for "no password" ('' in Invoice Ninja); null counts too. */
  unset: z.string().optional(),
});

/**
 * Staff passwords are only verified, never written: besides the contacts' formats, md5 (unsalted
 * hex, as older PHP applications keep their users' passwords), which a contact's password may
 * never be, as the portal sets contacts' passwords.
 */
const staffPasswordSchema = z.strictObject({
  column: name('password column'),
  format: z.enum(STAFF_PASSWORD_FORMATS, { error: `format is one of ${STAFF_PASSWORD_FORMATS.join(', ')}` }),
});

const offerSchema = z.strictObject({
  ...tableConcept,
  ...workspaceRef,
  client: valueSchema,
  number: valueSchema,
  title: valueSchema.optional(),
  status: statusSchema(['open', 'accepted', 'declined', 'expired', 'withdrawn']),
  amounts: moneyScale.default('decimal'),
  currency: valueSchema,
  total: valueSchema,
  tax: valueSchema.optional(),
  /** The date the list is sorted by, newest first. */
  date: valueSchema,
  validUntil: valueSchema.optional(),
  sentAt: valueSchema.optional(),
  decidedAt: valueSchema.optional(),
  body: valueSchema.optional(),
  terms: valueSchema.optional(),
  lines: linesSchema.optional(),
  writes: z.strictObject({ accept: writeSchema.optional(), decline: writeSchema.optional(), viewed: writeSchema.optional() }).optional(),
});
export type OfferConcept = z.infer<typeof offerSchema>;

/**
 * A table of an invoice's payments: the rows of it pointing at the invoice (`invoice`), each an
 * amount paid on a date. `id` names a row where its key could repeat another source's (a credit
 * note's row and a payment's, both numbered from 1): the receipt of a payment is found by it.
 */
const paymentSourceSchema = z.strictObject({
  ...tableConcept,
  id: valueSchema.optional(),
  invoice: valueSchema,
  amount: valueSchema,
  date: valueSchema,
  method: valueSchema.optional(),
  /** The host's own name of a method the portal has no word for ("Bill of exchange"), shown instead of "Other". */
  methodLabel: valueSchema.optional(),
  reference: valueSchema.optional(),
  number: valueSchema.optional(),
});
export type PaymentSource = z.infer<typeof paymentSourceSchema>;

/**
 * One source, or a list of them the invoice's payments are all read from (Dolibarr's payments and
 * the credit notes and deposits used on an invoice, kept in two tables). In a list, every source
 * but one names its rows by `id`, so no two payments of an invoice share one.
 */
const paymentsSchema = z.union([
  paymentSourceSchema,
  z
    .array(paymentSourceSchema)
    .min(1, 'payments lists at least one source: - { table: payments, key: id, invoice: invoice_id, amount: amount, date: paid_on }')
    .max(4, 'payments lists at most 4 sources')
    .superRefine((sources, ctx) => {
      const unnamed = sources.flatMap((source, i) => (source.id === undefined ? [i] : []));
      for (const i of unnamed.slice(1))
        ctx.addIssue({
          code: 'custom',
          path: [i],
          message:
            "give id: a value naming this source's rows apart from the others' (id: { concat: [{ constant: credit }, rowid], separator: '-' }); in a list, one source at most goes by its key alone",
        });
    }),
]);

/** The sources of an invoice's payments, each with its path in the file (for the lines `check` names). */
export function paymentSources(invoices: InvoiceConcept | undefined): Array<{ source: PaymentSource; path: Array<string | number> }> {
  const payments = invoices?.payments;
  if (!payments) return [];
  return Array.isArray(payments)
    ? payments.map((source, i) => ({ source, path: ['invoices', 'payments', i] }))
    : [{ source: payments, path: ['invoices', 'payments'] }];
}

/**
 * The documents' details an invoice or an offer carries besides its figures: the settings table
 * they may read (a key/value table of the workspace's setup), the letterhead (the agency and the
 * client company), the bank account an invoice is paid into and why it charges no VAT. Each is
 * optional; a value of a setting (`{ setting: NAME }`) is read only in these sections.
 */
const settingsSchema = z.strictObject({
  table: tableName,
  /** The column holding a setting's name, and the one holding its value. */
  name: name('settings.name (the name column)'),
  value: name('settings.value (the value column)'),
  /** The column saying whose setting a row is; absent, every row is every workspace's. */
  workspace: name('settings.workspace (the workspace column)').optional(),
  /** Values of that column whose rows hold for every workspace; a workspace's own row wins over them. */
  shared: z.array(scalar).min(1).max(4).optional(),
});
export type SettingsSource = z.infer<typeof settingsSchema>;

/** A postal address: the street (one line per line of the text), "postcode town", the country. */
const addressSchema = z.strictObject({
  street: valueSchema.optional(),
  postcode: valueSchema.optional(),
  town: valueSchema.optional(),
  country: valueSchema.optional(),
  /** The country's code, which tells whether the two parties are in the same country (see countries). */
  countryCode: valueSchema.optional(),
});
export type Address = z.infer<typeof addressSchema>;

/**
 * The agency (seller) and the client company (buyer) as an invoice's and an offer's letterhead
 * names them, read with the client's row (the clients table and these joins). `countries`:
 * `whenDifferent` prints the countries only when the two parties' country codes differ.
 */
const letterheadSchema = z.strictObject({
  joins: z.array(joinSchema).max(4).optional(),
  seller: z
    .strictObject({
      legalName: valueSchema.optional(),
      address: addressSchema.optional(),
      vatId: valueSchema.optional(),
      registration: valueSchema.optional(),
    })
    .optional(),
  buyer: z.strictObject({ address: addressSchema.optional(), taxId: valueSchema.optional() }).optional(),
  countries: z.enum(['always', 'whenDifferent'], { error: 'countries is always or whenDifferent' }).default('always'),
});

/**
 * The account an invoice is paid into by transfer: where `when` holds on the invoice's row, the
 * first of `account`'s values that is set and not one of `unset`, as a key of the accounts table,
 * in the workspace and its `where` (open accounts). Offered only with an IBAN, and, given
 * `currency`, only in the invoice's currency.
 */
const bankSchema = z.strictObject({
  when: conditionSchema.optional(),
  account: z.array(valueSchema).min(1, 'account lists the values that name the account, the first set one wins: [account_id]').max(4),
  unset: z.array(scalar).max(4).optional(),
  ...tableConcept,
  ...workspaceRef,
  iban: valueSchema,
  bic: valueSchema.optional(),
  bankName: valueSchema.optional(),
  holder: valueSchema.optional(),
  currency: valueSchema.optional(),
});
export type BankSection = z.infer<typeof bankSchema>;

/**
 * Why an invoice charges no VAT: where `when.value` (trimmed, in any case) is one of `when.in`,
 * the reason and the host's own wording.
 */
const vatExemptionSchema = z.strictObject({
  when: z.strictObject({ value: valueSchema, in: z.array(scalar).min(1).max(8) }),
  reason: z.enum(['reverse_charge', 'not_taxable', 'small_business', 'exempt'], {
    error: 'reason is one of reverse_charge, not_taxable, small_business, exempt',
  }),
  note: valueSchema.optional(),
  certificate: valueSchema.optional(),
});

const invoiceSchema = z.strictObject({
  ...tableConcept,
  ...workspaceRef,
  client: valueSchema,
  number: valueSchema,
  status: statusSchema(['open', 'paid', 'void']),
  amounts: moneyScale.default('decimal'),
  currency: valueSchema,
  total: valueSchema,
  tax: valueSchema.optional(),
  /** What is paid; absent: total less balance, or 0. */
  paid: valueSchema.optional(),
  /** What is left to pay; absent: total less paid. */
  balance: valueSchema.optional(),
  date: valueSchema,
  due: valueSchema.optional(),
  notes: valueSchema.optional(),
  /** The host's own wording of the payment terms. */
  paymentTerms: valueSchema.optional(),
  /**
   * The payment terms as the host translates them by the term's code (a CRM that words its
   * standard terms in its language files, not in its table): where `code` is one of `wordings`,
   * its wording in the reader's language is printed instead of paymentTerms; any other code, or a
   * language a code is not worded in, keeps paymentTerms.
   */
  paymentTermsByCode: z
    .strictObject({
      code: valueSchema,
      wordings: z
        .record(
          z.string().trim().min(1).max(60),
          // Per language the portal speaks (en, de, fr); another key is refused.
          z.partialRecord(z.enum(SUPPORTED_LOCALES), z.string().trim().min(1).max(500)),
        )
        .refine((wordings) => Object.keys(wordings).length > 0, 'wordings lists at least one code: { 30D: { en: 30 days } }'),
    })
    .optional(),
  bank: bankSchema.optional(),
  vatExemption: vatExemptionSchema.optional(),
  lines: linesSchema.optional(),
  /** Where the invoice's payments are: one source, or several read together (payments and credit notes used). */
  payments: paymentsSchema.optional(),
  writes: z.strictObject({ recordPayment: writeSchema.optional() }).optional(),
});
export type InvoiceConcept = z.infer<typeof invoiceSchema>;

/**
 * The client's tasks: the company's, or a contact's where the host assigns tasks to contacts (a
 * task with no contact is then the whole company's). Marking done and reopening are offered only
 * as far as the file declares their writes.
 */
const taskSchema = z.strictObject({
  ...tableConcept,
  ...workspaceRef,
  client: valueSchema,
  /** The contact a task is assigned to; absent, every task of the client is its whole company's. */
  contact: valueSchema.optional(),
  title: valueSchema,
  description: valueSchema.optional(),
  /** The day it is due, if any: open tasks come soonest first, undated last. */
  due: valueSchema.optional(),
  /** When it was done: done tasks come latest first. */
  completedAt: valueSchema.optional(),
  status: statusSchema(['open', 'done']),
  /** The project the task belongs to (projects.key): a project's page lists its tasks. */
  project: valueSchema.optional(),
  writes: z.strictObject({ done: writeSchema.optional(), reopen: writeSchema.optional() }).optional(),
});
export type TaskConcept = z.infer<typeof taskSchema>;

/** The client's projects, read only: listed by state, then newest start first; a project's page lists its tasks. */
const projectSchema = z.strictObject({
  ...tableConcept,
  ...workspaceRef,
  client: valueSchema,
  /** The number the client quotes; absent, the title. */
  ref: valueSchema.optional(),
  title: valueSchema,
  description: valueSchema.optional(),
  status: statusSchema(['active', 'onHold', 'completed']),
  /** The host's own name of the status, where it says more than the state. */
  statusLabel: valueSchema.optional(),
  /** 0 to 100, as the host keeps it. */
  progress: valueSchema.optional(),
  start: valueSchema.optional(),
  end: valueSchema.optional(),
});
export type ProjectConcept = z.infer<typeof projectSchema>;

/** Rows of a table read beside the concept's: its own columns each equal to a value, null, or one of a list. */
const plainWhere = (what: string) => z.record(name(what), z.union([scalar, z.null(), z.array(scalar).min(1)]));
export type PlainWhere = z.infer<ReturnType<typeof plainWhere>>;

/** A row of another table that points at the record: `on` its columns equal to values of the record. */
const pointingRowSchema = z.strictObject({
  table: tableName,
  on: z.record(name('a column of that table'), valueSchema).refine((on) => Object.keys(on).length > 0, 'give at least one column in "on"'),
  where: plainWhere('a column of that table').optional(),
});
export type PointingRow = z.infer<typeof pointingRowSchema>;

/**
 * The help articles the agency published for its clients, read only: the workspace's, the same for
 * every client (or, with `client`, a client's own and those for no client). `where` is the rows the
 * host keeps (not deleted), `published` those of them clients may read; `shownWith`, `from` and
 * `until` narrow that further as the host's own portal does.
 */
const knowledgeBaseSchema = z.strictObject({
  ...tableConcept,
  ...workspaceRef,
  /** The client an article is for, where the host keeps articles per client; an article with none is every client's. */
  client: valueSchema.optional(),
  published: whereSchema.refine((where) => Object.keys(where).length > 0, 'published needs at least one column: status: Published'),
  /** A row another table must hold for the article to be shown to clients (EspoCRM's link to its portal). */
  shownWith: pointingRowSchema.optional(),
  /** Not shown before this day (a publish date); an empty one does not hold it back. */
  from: valueSchema.optional(),
  /** Not shown from this day on (an expiry date); an empty one never expires. */
  until: valueSchema.optional(),
  title: valueSchema,
  body: valueSchema,
  /** What the body holds: editor HTML (read for its text: no markup reaches a page), markdown, or plain text. */
  format: z.enum(['html', 'markdown', 'text'], { error: 'format is html, markdown or text' }),
  /** The body as plain text where the host keeps it too (EspoCRM's body_plain): searched instead of the body. */
  bodyText: valueSchema.optional(),
  /** The article's language as the host tags it (en_US, de); absent or empty: any reader's. */
  language: valueSchema.optional(),
  updatedAt: valueSchema.optional(),
  /** The article's category where it has one at most: a key of categories. */
  category: valueSchema.optional(),
  /** The host's categories of articles: plain columns of their table (read beside the articles'). */
  categories: z
    .strictObject({
      table: tableName,
      key: name('categories.key'),
      /** The rows the host keeps (not deleted). */
      where: plainWhere('a column of the categories').optional(),
      workspace: name('categories.workspace').optional(),
      name: name('categories.name'),
      /** The host's order of its categories; then by name. */
      order: z.array(name('an order column')).max(3).optional(),
      /** The table linking articles and categories, where an article may be in several (shown under the first). */
      link: z
        .strictObject({
          table: tableName,
          article: name('link.article'),
          category: name('link.category'),
          where: plainWhere('a column of the link').optional(),
        })
        .optional(),
    })
    .optional(),
});
export type KnowledgeBaseConcept = z.infer<typeof knowledgeBaseSchema>;
/** The host's values of a ticket's category, type or priority, each with the label the new-ticket form offers. */
const choicesSchema = z.strictObject({
  column: name('a choice column'),
  values: z
    .record(z.string().min(1).max(100), z.string().min(1).max(100))
    .refine((values) => Object.keys(values).length > 0, 'give at least one value and its label'),
});
export type TicketChoices = z.infer<typeof choicesSchema>;

/**
 * The new keys a write that inserts rows may name, where the host has no sequence: `:new_id`, made
 * by the portal in the form the host makes its own (hex17: EspoCRM's 17 lowercase hex characters,
 * PHP's uniqid() and four more; uuid: a version 4 UUID).
 */
const NEW_KEY_FORMS = ['hex17', 'uuid'] as const;

/**
 * The client's support tickets, and the thread of each: the rows of a messages table that point at
 * the ticket, without the agency's internal ones (messages.where). Opening one, replying, closing
 * and reopening are offered only as far as the file declares their writes.
 */
const ticketSchema = z.strictObject({
  ...tableConcept,
  ...workspaceRef,
  client: valueSchema,
  /** The contact who opened it, where the host keeps one (shown as who opened it). */
  openedBy: valueSchema.optional(),
  /** The number the client quotes; absent, the key. */
  ref: valueSchema.optional(),
  subject: valueSchema,
  description: valueSchema.optional(),
  status: statusSchema(['open', 'waiting', 'closed']),
  /** The host's own name of the status, where it says more than the state. */
  statusLabel: valueSchema.optional(),
  category: choicesSchema.optional(),
  type: choicesSchema.optional(),
  priority: choicesSchema.optional(),
  openedAt: valueSchema,
  /** When the ticket itself last changed; the newest message counts too. */
  updatedAt: valueSchema.optional(),
  closedAt: valueSchema.optional(),
  messages: z.strictObject({
    ...tableConcept,
    /** The column that holds the ticket's key. */
    parent: name('parent'),
    body: valueSchema,
    at: valueSchema,
    /** The rows a client's person wrote (the rest are the agency's). */
    fromClient: conditionSchema,
    authorName: valueSchema,
  }),
  newKey: z.enum(NEW_KEY_FORMS, { error: `newKey is one of ${NEW_KEY_FORMS.join(', ')}` }).optional(),
  writes: z
    .strictObject({
      create: writeSchema.optional(),
      reply: writeSchema.optional(),
      close: writeSchema.optional(),
      reopen: writeSchema.optional(),
    })
    .optional(),
});
export type TicketConcept = z.infer<typeof ticketSchema>;

export const bindingFileSchema = z
  .strictObject({
    binding: z.literal(1, { error: 'binding: 1 (the format version) must come first' }),
    /** The CRM's name as people say it. */
    crm: z.string().min(1).max(80),
    /** The CRM's address; with `pages`, staff pages link to its records. */
    crmUrl: z.url({ protocol: /^https?$/ }).optional(),
    pages: z
      .partialRecord(
        z.enum(['client', 'contact', 'proposal', 'quotation', 'invoice']),
        z.string().regex(/^\/.*\{id\}/, 'a page is a path with {id}'),
      )
      .optional(),
    /** One workspace, fixed: a CRM that serves one agency. */
    workspace: z
      .strictObject({
        id: z.union([z.string().min(1).max(64), z.number().int()]).transform(String),
        slug: z.string().regex(/^[a-z0-9][a-z0-9-]{0,59}$/, 'a slug is lower-case letters, digits and -'),
        name: z.string().min(1).max(200),
        brandColor: z
          .string()
          .regex(/^#[0-9a-f]{6}$/i)
          .optional(),
      })
      .optional(),
    /** Workspaces kept in a table: a CRM that serves several companies from one database. */
    workspaces: z.strictObject({ ...tableConcept, slug: valueSchema, name: valueSchema, brandColor: valueSchema.optional() }).optional(),
    clients: z.strictObject({ ...tableConcept, ...workspaceRef, name: valueSchema }),
    contacts: z.strictObject({
      ...tableConcept,
      ...workspaceRef,
      client: valueSchema,
      email: valueSchema,
      name: valueSchema,
      phone: valueSchema.optional(),
      password: passwordSchema.optional(),
      writes: z.strictObject({ updateProfile: writeSchema.optional() }).optional(),
    }),
    /**
     * The agency's staff, who sign in with their CRM password; `staff: none` where the CRM keeps
     * no password the portal can verify (its staff sign in elsewhere): then no one signs in to the
     * staff pages and no staff member is emailed. Left out, the file says it is missing: a CRM
     * without staff sign-in is said, never assumed.
     */
    staff: z.preprocess(
      (staff) => (staff === 'none' ? null : staff === null ? undefined : staff),
      z
        .strictObject({
          ...tableConcept,
          ...workspaceRef,
          email: valueSchema,
          name: valueSchema,
          admin: conditionSchema.optional(),
          password: staffPasswordSchema,
        })
        .nullable(),
    ),
    proposals: offerSchema.optional(),
    quotations: offerSchema.optional(),
    invoices: invoiceSchema.optional(),
    tasks: taskSchema.optional(),
    projects: projectSchema.optional(),
    knowledgeBase: knowledgeBaseSchema.optional(),
    tickets: ticketSchema.optional(),
    settings: settingsSchema.optional(),
    letterhead: letterheadSchema.optional(),
  })
  .superRefine((file, ctx) => {
    if (!file.workspace === !file.workspaces)
      ctx.addIssue({
        code: 'custom',
        path: ['workspace'],
        message: 'give either workspace (one, fixed) or workspaces (a table), not both or neither',
      });
    const knowledge = file.knowledgeBase;
    if (knowledge?.categories && !knowledge.categories.link === (knowledge.category === undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['knowledgeBase', 'categories'],
        message:
          "an article's category is either knowledgeBase.category (one per article) or categories.link (a table linking them), not both or neither",
      });
    if (knowledge?.category !== undefined && !knowledge.categories)
      ctx.addIssue({
        code: 'custom',
        path: ['knowledgeBase', 'category'],
        message: 'category names a key of knowledgeBase.categories: map categories too',
      });
    if (file.workspaces)
      for (const concept of WORKSPACE_SCOPED_SECTIONS) {
        const section = file[concept];
        if (section && section.workspace === undefined)
          ctx.addIssue({
            code: 'custom',
            path: [concept, 'workspace'],
            message: `${concept} needs workspace: the column that says whose it is, as workspaces is a table`,
          });
      }
    for (const where of settingUses(file, []).filter((use) => !use.allowed || !file.settings))
      ctx.addIssue({
        code: 'custom',
        path: where.path,
        message: where.allowed
          ? 'a setting is read from the settings table: add settings (table, name, value)'
          : 'a setting is read only in letterhead, invoices.bank and invoices.vatExemption',
      });
  });

/** Where a section may read a setting: the documents' details, which belong to the workspace. */
const SETTING_SECTIONS = [['letterhead'], ['invoices', 'bank'], ['invoices', 'vatExemption']];

/** Every setting value the file reads, where, and whether a setting may be read there. */
function settingUses(
  value: unknown,
  path: Array<string | number>,
): Array<{ name: string; path: Array<string | number>; allowed: boolean }> {
  if (typeof value !== 'object' || value === null) return [];
  if (!Array.isArray(value) && 'setting' in value && typeof value.setting === 'string' && path.length > 0) {
    const allowed = SETTING_SECTIONS.some((section) => section.every((part, i) => path[i] === part));
    return [{ name: value.setting, path, allowed }];
  }
  return Object.entries(value).flatMap(([key, inner]) => settingUses(inner, [...path, Array.isArray(value) ? Number(key) : key]));
}

export type BindingFile = z.infer<typeof bindingFileSchema>;

/** The names of the settings a file reads, each once (for check: which have no row). */
export const settingNames = (file: BindingFile): string[] => [...new Set(settingUses(file, []).map((use) => use.name))];

export type PasswordFormatName = z.infer<typeof staffPasswordSchema>['format'];
