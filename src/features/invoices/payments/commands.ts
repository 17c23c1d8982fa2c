// One zod schema per payment action. Amounts arrive as the client typed them in the invoice's
// currency ("250", "250.5", "250,50"); they leave as integer cents. Messages are i18n keys of the
// `payments` namespace, translated where the form is re-rendered.
import { z } from 'zod';

const AMOUNT = /^\s*(\d{1,12})(?:[.,](\d{1,2}))?\s*$/;

/** "1234,5" → 123450; null when it is not an amount of money. */
export function parseAmountCents(text: string): number | null {
  const match = AMOUNT.exec(text);
  if (!match) return null;
  const cents = Number(match[1]) * 100 + Number((match[2] ?? '0').padEnd(2, '0'));
  return Number.isSafeInteger(cents) ? cents : null;
}

export const PayCommand = z
  .object({
    choice: z.enum(['full', 'partial'], { error: 'payments:errors.choice' }),
    amount: z.string().max(40).optional().default(''),
  })
  .transform((form, ctx) => {
    if (form.choice === 'full') return { choice: form.choice, amountText: '', amountCents: null as number | null };
    const cents = parseAmountCents(form.amount);
    if (cents === null || cents <= 0) {
      ctx.addIssue({ code: 'custom', path: ['amount'], message: 'payments:errors.amount' });
      return z.NEVER;
    }
    return { choice: form.choice, amountText: form.amount, amountCents: cents };
  });
export type PayInput = z.infer<typeof PayCommand>;

export const ReportTransferCommand = z.object({
  reference: z
    .string()
    .trim()
    .max(120, 'payments:errors.reference')
    .optional()
    .transform((value) => (value ? value : null)),
});
export type ReportTransferInput = z.infer<typeof ReportTransferCommand>;

export const DemoCheckoutCommand = z.object({ action: z.enum(['pay', 'cancel'], { error: 'payments:errors.choice' }) });

export const PaymentIdParam = z.uuid();
export const InvoiceIdParam = z.string().min(1).max(64);

/** A query flag: on only as '1'; anything else (absent, repeated, other text) is off. */
export const flagField = z
  .unknown()
  .optional()
  .transform((value) => value === '1');

/**
 * Back from a provider's checkout, on the page the client started from (the pay page, or the
 * invoice list for several): which checkout (anything but a uuid is none), and whether it was given up.
 */
export const ReturnFromCheckoutQuery = {
  payment: z
    .unknown()
    .optional()
    .transform((value) => (typeof value === 'string' && z.uuid().safeParse(value).success ? value : null)),
  cancelled: flagField,
};

/** The pay page's query: a transfer just reported, or back from a provider's checkout. */
export const PayPageQuery = z.object({ reported: flagField, ...ReturnFromCheckoutQuery });
