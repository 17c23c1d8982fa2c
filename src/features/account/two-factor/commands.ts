// The forms of two-factor sign-in and set-up, and of changing the sign-in email.
import { z } from 'zod';
import { emailField } from '../../../core/index.ts';

/** A code from the authenticator app (6 digits) or a recovery code (10 letters and digits). */
export const SecondFactorCommand = z.object({
  code: z
    .string({ error: 'Enter the 6-digit code from your app, or a recovery code.' })
    .trim()
    .min(1, 'Enter the 6-digit code from your app, or a recovery code.')
    .max(40, 'Enter the 6-digit code from your app, or a recovery code.'),
});

const appCode = z
  .string({ error: 'Enter the 6-digit code your app shows.' })
  .trim()
  .transform((code) => code.replace(/\s+/g, ''))
  .pipe(z.string().regex(/^\d{6}$/, 'Enter the 6-digit code your app shows.'));

/**
 * Who is asking: the current password, or (for a client without one) the 6-digit code emailed to
 * them. Which one is needed is decided by the handler; here both are only bounded.
 */
const identity = {
  currentPassword: z.string().max(200, 'That password is too long.').optional(),
  confirmationCode: z.string().trim().max(12).optional(),
};

export const SetupCommand = z.object({ code: appCode, ...identity });
export const RemoveCommand = z.object(identity);
export const RenewRecoveryCodesCommand = z.object(identity);

/** The form a code is asked from, so the answer goes back to it ('password': a first password on the account page; 'passkey': adding one). */
const ConfirmationCodeFor = z.enum(['setup', 'remove', 'renew', 'email', 'password', 'passkey']);
export const ConfirmationCodeCommand = z.object({ for: ConfirmationCodeFor });

export const ChangeEmailCommand = z.object({ email: emailField, ...identity });
export const ConfirmEmailCommand = z.object({
  code: z
    .string({ error: 'Enter the 6-digit code we emailed to the new address.' })
    .trim()
    .transform((code) => code.replace(/\s+/g, ''))
    .pipe(z.string().regex(/^\d{6}$/, 'Enter the 6-digit code we emailed to the new address.')),
});

export type SecondFactorInput = z.infer<typeof SecondFactorCommand>;
export type SetupInput = z.infer<typeof SetupCommand>;
export type RemoveInput = z.infer<typeof RemoveCommand>;
export type RenewRecoveryCodesInput = z.infer<typeof RenewRecoveryCodesCommand>;
export type ConfirmationCodeInput = z.infer<typeof ConfirmationCodeCommand>;
export type ChangeEmailInput = z.infer<typeof ChangeEmailCommand>;
export type ConfirmEmailInput = z.infer<typeof ConfirmEmailCommand>;
