// Rows of saved methods and the autopay enrolment, as the page shows them.
import type { RequestI18n } from '../../../core/index.ts';
import type { UpcomingInvoice } from '../port.ts';
import type { AutopayRow, PaymentMethodRow, SetupRow } from './queries.ts';
import { AUTOPAY_CONSENT_VERSION } from './service.ts';

/** The consent the person accepts, in their language: kept word for word with its version when they accept. */
export function autopayConsentText(i18n: RequestI18n, workspaceName: string, chargeOn?: 'issue' | 'due'): string {
  const text = i18n.t('payments:methods.consent.text', { workspace: workspaceName });
  return chargeOn
    ? `${text}\n${i18n.t('payments:methods.consent.chosen', { when: i18n.t(`payments:methods.chargeOn.${chargeOn}`) })}`
    : text;
}

function methodLabel(i18n: RequestI18n, method: PaymentMethodRow): string {
  const brand = method.kind === 'card' ? (method.brand ?? '').replace(/^\w/, (c) => c.toUpperCase()) : i18n.t('payments:methods.sepa');
  return i18n.t('payments:methods.label', { brand: brand || i18n.t('payments:methods.card'), last4: method.last4 ?? '····' });
}

/** Who pays the next invoices: the default method when autopay is on (a SEPA debit with its notice), else the person. */
function upcomingPayer(i18n: RequestI18n, autopay: AutopayRow | null, payer: PaymentMethodRow | null, sepaNoticeDays: number): string {
  const { t } = i18n;
  if (!autopay?.enabled || !payer) return t('payments:methods.upcoming.autopayOff');
  const when = t(`payments:methods.chargeOn.${autopay.charge_on}`);
  const method = methodLabel(i18n, payer);
  return payer.kind === 'card'
    ? t('payments:methods.upcoming.autopayCard', { method, when })
    : t('payments:methods.upcoming.autopaySepa', { method, when, days: sepaNoticeDays });
}

export function presentPaymentMethodsPage(
  i18n: RequestI18n,
  input: {
    base: string;
    workspaceName: string;
    state: { methods: PaymentMethodRow[]; autopay: AutopayRow | null };
    setup: SetupRow | null;
    /** The next invoices of the company's recurring ones, as the host keeps them. */
    upcoming: UpcomingInvoice[];
    sepaNoticeDays: number;
    done: string | null;
    errors: Record<string, string>;
    values: Record<string, string>;
  },
) {
  const { t, fmt: format } = i18n;
  const methods = input.state.methods.map((method) => ({
    id: method.id,
    label: methodLabel(i18n, method),
    isDefault: method.is_default,
    details:
      method.kind === 'card'
        ? method.exp_month && method.exp_year
          ? t('payments:methods.expires', { month: String(method.exp_month).padStart(2, '0'), year: method.exp_year })
          : ''
        : t('payments:methods.mandate', {
            reference: method.mandate_reference ?? '',
            date: method.mandate_accepted_at ? format.day(method.mandate_accepted_at) : '',
          }),
    addedOn: t('payments:methods.added', { date: format.day(method.added_at) }),
  }));
  const autopay = input.state.autopay;
  const chargeOn =
    input.values.chargeOn === 'issue' || input.values.chargeOn === 'due' ? input.values.chargeOn : (autopay?.charge_on ?? 'due');
  const payer = input.state.methods.find((method) => method.is_default) ?? null;
  return {
    upcoming: input.upcoming.map((invoice) => ({
      id: invoice.id,
      title: invoice.title,
      // Where the host sets the amount only when it makes the invoice, the day without a figure.
      when:
        invoice.amountCents === null || invoice.currency === null
          ? t('payments:methods.upcoming.itemAmountLater', { date: format.day(invoice.nextDate) })
          : t('payments:methods.upcoming.item', {
              amount: format.money(invoice.amountCents, invoice.currency),
              date: format.day(invoice.nextDate),
            }),
      frequency: invoice.frequency
        ? t(`payments:methods.upcoming.frequency.${invoice.frequency.unit}`, { count: invoice.frequency.every })
        : null,
    })),
    upcomingLede: t('payments:methods.upcoming.lede', { workspace: input.workspaceName }),
    upcomingPayer: upcomingPayer(i18n, autopay, payer, input.sepaNoticeDays),
    base: input.base,
    methods,
    hasDefault: methods.some((method) => method.isDefault),
    defaultLabel: methods.find((method) => method.isDefault)?.label ?? null,
    autopayOn: autopay?.enabled === true,
    consentRecord: autopay?.enabled
      ? t('payments:methods.autopay.record', {
          when: t(`payments:methods.chargeOn.${autopay.charge_on}`),
          email: autopay.accepted_by_email,
          date: format.dateTime(autopay.accepted_at),
          from: autopay.accepted_ip ?? t('payments:methods.autopay.unknownPlace'),
          version: autopay.consent_version,
        })
      : null,
    acceptedText: autopay?.enabled ? autopay.consent_text : null,
    chargeOn,
    chargeOptions: [
      { value: 'due', label: t('payments:methods.chargeOn.due') },
      { value: 'issue', label: t('payments:methods.chargeOn.issue') },
    ],
    consentText: autopayConsentText(i18n, input.workspaceName),
    consentVersion: AUTOPAY_CONSENT_VERSION,
    setupOutcome: input.setup ? t(`payments:methods.setup.${input.setup.status}`) : null,
    done: input.done ? t(`payments:methods.done.${input.done}`) : null,
    errors: input.errors,
  };
}
