// Field schemas shared by every form, with messages written for the person filling the form in.
import { z } from 'zod';
import { isCommonPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../crypto/password-rules.ts';
import { hasInvisibleFormatting } from './invisible-formatting.ts';

export const emailField = z
  .string({ error: 'Enter your email address.' })
  .trim()
  .min(1, 'Enter your email address.')
  .max(320, 'That email address is too long.')
  .pipe(z.email({ error: 'Enter a valid email address, like name@example.com.' }))
  .transform((email) => email.toLowerCase());

/** A password a client chooses: every form that sets one uses this field, so the rules are the same everywhere. */
export const newPasswordField = z
  .string({ error: 'Choose a password.' })
  .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters for your password.`)
  .max(PASSWORD_MAX_LENGTH, `Use at most ${PASSWORD_MAX_LENGTH} characters for your password.`)
  .refine((password) => !isCommonPassword(password), {
    message: 'That password is one of the most common ones and easy to guess. Choose another.',
  });

/** A password typed to sign in: only bounded, never judged, so no rule leaks. */
export const currentPasswordField = z
  .string({ error: 'Enter your password.' })
  .min(1, 'Enter your password.')
  .max(200, 'That password is too long.');

export const oneTimeCodeField = z
  .string({ error: 'Enter the 6-digit code from the email.' })
  .trim()
  .transform((code) => code.replace(/\s+/g, ''))
  .pipe(z.string().regex(/^\d{6}$/, 'Enter the 6-digit code from the email.'));

const INVISIBLE_IN_NAME =
  'A name cannot hold invisible characters that change how text is shown, such as direction marks or zero-width spaces. Remove them and try again.';

/** A name that may also be left empty (a title): refuses the same characters as nameField. */
export function withoutInvisibleFormatting(field: z.ZodString): z.ZodString {
  return field.refine((name) => !hasInvisibleFormatting(name), { message: INVISIBLE_IN_NAME });
}

/**
 * A name someone types and others read: a person's (the client's own, a colleague asked for), a
 * role's, with the form's own words for a missing or too long one (200 characters unless `max`).
 */
export function nameField(messages: { required: string; tooLong: string; max?: number }) {
  return withoutInvisibleFormatting(
    z
      .string({ error: messages.required })
      .trim()
      .min(1, messages.required)
      .max(messages.max ?? 200, messages.tooLong),
  );
}

export const personNameField = nameField({ required: 'Enter your name.', tooLong: 'Use at most 200 characters for your name.' });

export const phoneField = z
  .string()
  .trim()
  .max(50, 'Use at most 50 characters for the phone number.')
  .regex(/^[0-9+()./ -]*$/, 'Use only digits, spaces and + ( ) . - / in the phone number.')
  .transform((phone) => (phone === '' ? null : phone));

export const hexColorField = z
  .string()
  .trim()
  .regex(/^#[0-9a-fA-F]{6}$/, 'Enter a colour as #rrggbb, for example #2f5bd3.')
  .transform((color) => color.toLowerCase());

/** A checkbox: present means on. */
export const checkboxField = z
  .union([z.literal('on'), z.literal('true'), z.literal('1'), z.array(z.string())])
  .optional()
  .transform((value) => value !== undefined);
