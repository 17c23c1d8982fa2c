// The payment methods page's forms. Messages are i18n keys of the `payments` namespace.
import { z } from 'zod';
import { DEMO_METHODS, type DemoMethodChoice } from '../payments/demo-provider.ts';

export const MethodIdParam = z.uuid();
export const SetupIdParam = z.uuid();

export const PaymentMethodsQuery = z.object({
  setup: z.uuid().optional().catch(undefined),
  done: z.enum(['default', 'removed', 'autopay_on', 'autopay_off']).optional().catch(undefined),
});

export const AutopayCommand = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('on'),
    chargeOn: z.enum(['issue', 'due'], { error: 'payments:methods.errors.chargeOn' }),
    // A checkbox: the person ticks that they read and accept the consent shown beside it.
    consent: z.literal('on', { error: 'payments:methods.errors.consent' }),
  }),
  z.object({ action: z.literal('off') }),
]);
export type AutopayInput = z.infer<typeof AutopayCommand>;

export const DemoSetupCommand = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('save'),
    method: z.enum(Object.keys(DEMO_METHODS) as [DemoMethodChoice, ...DemoMethodChoice[]], { error: 'payments:methods.errors.demoMethod' }),
  }),
  z.object({ action: z.literal('cancel') }),
]);
