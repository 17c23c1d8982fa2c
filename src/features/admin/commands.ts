// One zod schema per admin action or page query. Messages are written for the admin who filled in
// the form; anything malformed is a 400 with those words, never a 500.
import { z } from 'zod';
import {
  ACTIVITY_EVENTS,
  type ActivityEvent,
  checkboxField,
  CLIENT_PERMISSIONS,
  type ClientPermission,
  hexColorField,
  nameField,
  type SectionSwitch,
  withoutInvisibleFormatting,
} from '../../core/index.ts';
import { LOGO_MAX_BYTES, LOGO_TOO_LARGE, LOGO_WRONG_TYPE, storedFilename, type UploadedFile } from './uploads.ts';

/** A host id (integer, uuid or composite key, as a string). */
const hostId = (what: string) =>
  z
    .string({ error: `Choose a ${what} from the list.` })
    .trim()
    .min(1, `Choose a ${what} from the list.`)
    .max(64, `Choose a ${what} from the list.`);

/** A select's "all" option submits an empty value: no filter. */
const optionalFilter = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

const isUploadedFile = (value: unknown): value is UploadedFile =>
  typeof value === 'object' &&
  value !== null &&
  Buffer.isBuffer((value as UploadedFile).buffer) &&
  typeof (value as UploadedFile).size === 'number';

/** The logo field: no file chosen means "keep the current logo"; a file must really be an image. */
const logoField = z
  .custom<UploadedFile>(isUploadedFile, { error: 'Choose an image file for the logo.' })
  .optional()
  .transform((file, ctx) => {
    if (!file || file.size === 0) return undefined;
    if (file.truncated || file.size > LOGO_MAX_BYTES) {
      ctx.addIssue({ code: 'custom', message: LOGO_TOO_LARGE });
      return z.NEVER;
    }
    const contentType = file.imageType;
    if (!contentType) {
      ctx.addIssue({ code: 'custom', message: LOGO_WRONG_TYPE });
      return z.NEVER;
    }
    return { filename: storedFilename(file.originalname, contentType), contentType, sizeBytes: file.size, content: file.buffer };
  });

const switches: Record<SectionSwitch, typeof checkboxField> = {
  showProposals: checkboxField,
  showInvoices: checkboxField,
  showTasks: checkboxField,
  showProjects: checkboxField,
  showTickets: checkboxField,
  showKnowledgeBase: checkboxField,
  showRequests: checkboxField,
  showAppointments: checkboxField,
  showApprovals: checkboxField,
  allowCompanyDetailsEdit: checkboxField,
  showOrders: checkboxField,
  showDevices: checkboxField,
  showContracts: checkboxField,
  showTimeEntriesToClients: checkboxField,
  allowFileUploads: checkboxField,
  allowComments: checkboxField,
  allowMessaging: checkboxField,
  allowOnlinePayments: checkboxField,
  allowPublicLinkDecisions: checkboxField,
};

/** At least a month (what a person needs to notice a sign-in that was not theirs), at most ten years. */
const SECURITY_LOG_DAYS = 'Enter how many days to keep the sign-in and security log: a whole number from 30 to 3650.';

const NO_SIGN_IN_METHOD = 'Keep at least one sign-in method switched on: with both off, your clients could not sign in.';

export const SettingsCommand = z
  .object({
    ...switches,
    loginWithCode: checkboxField,
    loginWithPassword: checkboxField,
    /** Every client user must set up two-factor before anything else. */
    requireTwoFactor: checkboxField,
    /** Empty means "use the default title" (the workspace name); missing means "leave as it is". */
    portalTitle: withoutInvisibleFormatting(
      z.string({ error: 'Enter a portal title.' }).trim().max(120, 'Use at most 120 characters for the portal title.'),
    )
      .transform((title) => (title === '' ? null : title))
      .optional(),
    primaryColor: hexColorField.optional(),
    /** Missing means "leave as it is" (a form from before the field existed). */
    maxUploadMb: z
      .string({ error: 'Enter the largest upload in MB.' })
      .trim()
      .regex(/^[0-9]{1,3}$/, 'Enter the largest upload as a whole number of MB, from 1 to 200.')
      .transform(Number)
      .refine((mb) => mb >= 1 && mb <= 200, 'Enter the largest upload as a whole number of MB, from 1 to 200.')
      .optional(),
    /** Missing means "leave as it is" (a form from before the field existed). */
    securityLogDays: z
      .string({ error: SECURITY_LOG_DAYS })
      .trim()
      .regex(/^[0-9]{1,4}$/, SECURITY_LOG_DAYS)
      .transform(Number)
      .refine((days) => days >= 30 && days <= 3650, SECURITY_LOG_DAYS)
      .optional(),
    logo: logoField,
    removeLogo: checkboxField,
  })
  // `when`: checked even when a field above failed, so every error shows at once.
  .refine((form) => form.loginWithCode || form.loginWithPassword, {
    path: ['loginMethods'],
    message: NO_SIGN_IN_METHOD,
    when: (payload) => {
      const value = payload.value as Record<string, unknown> | undefined;
      return typeof value === 'object' && value !== null;
    },
  });

export type SettingsInput = z.infer<typeof SettingsCommand>;

export const SettingsQuery = z.object({
  saved: z
    .unknown()
    .optional()
    .transform((value) => value === '1'),
});

/** Where a client-user action returns to: the clients page, still filtered by the same client. */
const returnFilter = { client: optionalFilter(hostId('client')) };

export const InviteCommand = z.object({ contactId: hostId('contact'), ...returnFilter });
export type InviteInput = z.infer<typeof InviteCommand>;

export const ClientUserCommand = z.object(returnFilter);
export type ClientUserInput = z.infer<typeof ClientUserCommand>;

export const ClientUserIdParam = z.uuid();

export const ClientsQuery = z.object({
  ...returnFilter,
  // Only a fixed key is read; an unknown one shows no notice. The text itself is never reflected.
  notice: z
    .unknown()
    .optional()
    .transform((value) => (typeof value === 'string' ? value : undefined)),
});
export type ClientsQueryInput = z.infer<typeof ClientsQuery>;

const PAGE_MESSAGE = 'The page number must be a whole number from 1 up, like ?page=2.';

export const ActivityQuery = z.object({
  ...returnFilter,
  event: optionalFilter(
    z.enum(Object.keys(ACTIVITY_EVENTS) as [ActivityEvent, ...ActivityEvent[]], { error: 'Choose an event type from the list.' }),
  ),
  page: z
    .string({ error: PAGE_MESSAGE })
    .regex(/^[1-9][0-9]{0,5}$/, PAGE_MESSAGE)
    .transform(Number)
    .default(1),
});
export type ActivityQueryInput = z.infer<typeof ActivityQuery>;

/** One "hide" checkbox per client permission: hide_invoices, hide_payments, … */
const hideFields = Object.fromEntries(CLIENT_PERMISSIONS.map((permission) => [`hide_${permission}`, checkboxField])) as Record<
  `hide_${ClientPermission}`,
  typeof checkboxField
>;

const hiddenOf = (form: Record<string, unknown>): ClientPermission[] =>
  CLIENT_PERMISSIONS.filter((permission) => form[`hide_${permission}`] === true);

const CHOOSE_ROLE = 'Choose a role from the list.';

/**
 * A person's access: a built-in role or `custom:<role id>`, and what to hide from them. Sent once
 * to see what would change, then again with `confirmed` to save it.
 */
export const PersonAccessCommand = z
  .object({
    role: z
      .string({ error: CHOOSE_ROLE })
      .trim()
      .regex(/^(admin|full|billing|member|custom:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i, CHOOSE_ROLE),
    ...hideFields,
    confirmed: checkboxField,
    ...returnFilter,
  })
  .transform((form) => ({
    role: form.role.toLowerCase(),
    denied: hiddenOf(form),
    confirmed: form.confirmed,
    client: form.client,
  }));
export type PersonAccessInput = z.infer<typeof PersonAccessCommand>;

/** What to hide from everyone at a company; sent again with `confirmed` to save it. */
export const CompanyAccessCommand = z
  .object({ ...hideFields, confirmed: checkboxField })
  .transform((form) => ({ denied: hiddenOf(form), confirmed: form.confirmed }));
export type CompanyAccessInput = z.infer<typeof CompanyAccessCommand>;

export const AccessQuery = z.object({
  ...returnFilter,
  saved: z
    .unknown()
    .optional()
    .transform((value) => value === '1'),
});
export type AccessQueryInput = z.infer<typeof AccessQuery>;

export const ClientIdParam = hostId('client');

/** One "grant" checkbox per client permission, for a workspace role. */
const grantFields = Object.fromEntries(CLIENT_PERMISSIONS.map((permission) => [`grant_${permission}`, checkboxField])) as Record<
  `grant_${ClientPermission}`,
  typeof checkboxField
>;

/** A workspace role: its name and what it grants; a change to a role people hold is confirmed first. */
export const RoleCommand = z
  .object({
    name: nameField({ required: 'Enter a name for the role.', tooLong: 'Use at most 60 characters for the role’s name.', max: 60 }),
    ...grantFields,
    confirmed: checkboxField,
  })
  .transform((form) => ({
    name: form.name,
    permissions: CLIENT_PERMISSIONS.filter((permission) => (form as Record<string, unknown>)[`grant_${permission}`] === true),
    confirmed: form.confirmed,
  }))
  .refine((role) => role.permissions.length > 0, {
    path: ['permissions'],
    message: 'Choose at least one part of the portal the role sees.',
  });
export type RoleInput = z.infer<typeof RoleCommand>;

export const RoleIdParam = z.uuid();

export const RolesQuery = z.object({
  notice: z
    .unknown()
    .optional()
    .transform((value) => (value === 'created' || value === 'saved' || value === 'removed' ? value : undefined)),
});
export type RolesQueryInput = z.infer<typeof RolesQuery>;

/** Removing a role: nothing to send but the CSRF token. */
export const RemoveRoleCommand = z.object({});
