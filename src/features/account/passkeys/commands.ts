// The passkey forms. The authenticator's answer arrives as one field of JSON (our script puts the
// browser library's result there); it is parsed and its shape checked here, the cryptography in
// the service.
import { z } from 'zod';

const base64url = z
  .string()
  .max(8000)
  .regex(/^[A-Za-z0-9_-]*$/);

const credentialFields = {
  id: base64url.min(1),
  rawId: base64url.min(1),
  type: z.literal('public-key'),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
};

const RegistrationResponse = z.object({
  ...credentialFields,
  response: z.object({
    clientDataJSON: base64url.min(1),
    attestationObject: base64url.min(1),
    transports: z.array(z.string().max(20)).max(10).optional(),
    authenticatorData: base64url.optional(),
    publicKey: base64url.optional(),
    publicKeyAlgorithm: z.number().optional(),
  }),
});

const AuthenticationResponse = z.object({
  ...credentialFields,
  response: z.object({
    clientDataJSON: base64url.min(1),
    authenticatorData: base64url.min(1),
    signature: base64url.min(1),
    userHandle: base64url.optional(),
  }),
});

/** The JSON in a form field, in the shape the browser library gives; anything else is one message on the field. */
function jsonOf<T extends z.ZodType>(schema: T, message: string) {
  return z
    .string({ error: message })
    .min(1, message)
    .max(16_000, message)
    .transform((text, ctx): z.infer<T> => {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        value = undefined;
      }
      const parsed = schema.safeParse(value);
      if (parsed.success) return parsed.data;
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    });
}

const nameField = z
  .string({ error: 'passkeys:errors.nameMissing' })
  .trim()
  .min(1, 'passkeys:errors.nameMissing')
  .max(100, 'passkeys:errors.nameLong');

/**
 * "Is it really you?" before a passkey is added: a passkey is a way in that outlasts the session,
 * so the session alone does not add one. Which field is needed is the identity check's to say.
 */
const identity = {
  currentPassword: z.string().max(200, 'That password is too long.').optional(),
  confirmationCode: z.string().trim().max(12).optional(),
};

export const RegistrationOptionsCommand = z.object({ name: z.string().max(200).optional(), ...identity });

export const AddPasskeyCommand = z.object({
  name: nameField,
  response: jsonOf(RegistrationResponse, 'passkeys:errors.noResponse'),
  ...identity,
});

export const PasskeySignInCommand = z.object({
  response: jsonOf(AuthenticationResponse, 'passkeys:errors.signInFailed'),
  next: z.string().max(500).optional(),
});

export type AddPasskeyInput = z.infer<typeof AddPasskeyCommand>;
export type RegistrationOptionsInput = z.infer<typeof RegistrationOptionsCommand>;
export type PasskeySignInInput = z.infer<typeof PasskeySignInCommand>;
