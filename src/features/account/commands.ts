// The account page's actions.
import { z } from 'zod';
import { currentPasswordField, isTimeZone, newPasswordField, personNameField, phoneField, SUPPORTED_LOCALES } from '../../core/index.ts';

export const UpdateProfileCommand = z.object({ name: personNameField, phone: phoneField.default('') });

export const ChangePasswordCommand = z
  .object({
    currentPassword: currentPasswordField.optional(),
    /** For a client without a password: the code emailed to the sign-in address (checked by the handler). */
    confirmationCode: z.string().trim().max(12).optional(),
    password: newPasswordField,
    confirmPassword: z.string({ error: 'Type the new password again.' }).max(200),
  })
  .refine((form) => form.password === form.confirmPassword, { path: ['confirmPassword'], message: 'The two passwords do not match.' });

/** An empty choice means "follow the workspace and the browser". */
export const PreferencesCommand = z.object({
  locale: z.union([z.literal(''), z.enum(SUPPORTED_LOCALES)], { error: 'Choose a language from the list.' }).default(''),
  timeZone: z
    .string()
    .max(64)
    .default('')
    .refine((zone) => zone === '' || isTimeZone(zone), { message: 'Choose a time zone from the list.' }),
});

export const SessionIdParam = z.string().regex(/^[0-9a-f]{64}$/);

export type UpdateProfileInput = z.infer<typeof UpdateProfileCommand>;
export type ChangePasswordInput = z.infer<typeof ChangePasswordCommand>;
export type PreferencesInput = z.infer<typeof PreferencesCommand>;

/** The security log's page: entries older than this id (the "older" link), or the newest page. */
export const SecurityLogQuery = z.object({
  before: z
    .string()
    .regex(/^[1-9][0-9]{0,17}$/, 'That page of the log does not exist.')
    .optional(),
});
export type SecurityLogQueryInput = z.infer<typeof SecurityLogQuery>;

/** A client user in a staff page's address; a malformed one is simply not found. */
export const ClientUserIdParam = z.uuid();
