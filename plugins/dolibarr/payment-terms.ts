// Dolibarr's standard payment terms in the portal's languages, as Dolibarr's invoice PDF words them.
// pdf_sponge::drawInfoTable prints transnoentities("PaymentCondition".$code) where the language
// file has that key, and only otherwise the dictionary's llx_c_payment_term.libelle_facture, then
// libelle: so "30D" reads "30 days", not the dictionary's "Due in 30 days". The wordings below are
// the PaymentCondition<code> keys of htdocs/langs/{en_US,de_DE,fr_FR}/bills.lang in Dolibarr 23
// ("%%" there is sprintf's "%"). A code the files do not translate (45D and 45DENDMONTH, which the
// dictionary ships untranslated, or a term an agency adds) keeps the dictionary's wording.
// DEP30PCTDEL (inactive in the shipped dictionary) is left out: its wording carries a
// __DEPOSIT_PERCENT__ placeholder the PDF prints unreplaced, as does the dictionary text it keeps.
import type { Locale } from '../../src/index.ts';

export type TermWordings = Readonly<Record<Locale, string>>;

export const DOLIBARR_PAYMENT_TERMS: Readonly<Record<string, TermWordings>> = {
  RECEP: { en: 'Due Upon Receipt', de: 'Sofort nach Erhalt', fr: 'A réception' },
  '30D': { en: '30 days', de: '30 Tage netto', fr: 'Règlement à 30 jours' },
  '30DENDMONTH': {
    en: 'Within 30 days following the end of the month',
    de: 'Innerhalb von 30 Tagen nach Monatsende',
    fr: 'Règlement à 30 jours fin de mois',
  },
  '60D': { en: '60 days', de: '60 Tage', fr: 'Règlement à 60 jours' },
  '60DENDMONTH': {
    en: 'Within 60 days following the end of the month',
    de: 'Innerhalb von 60 Tagen nach Monatsende',
    fr: 'Règlement à 60 jours fin de mois',
  },
  PT_DELIVERY: { en: 'On delivery', de: 'Bei Lieferung', fr: 'Règlement à la livraison' },
  PT_ORDER: { en: 'On order', de: 'Bei Bestellung', fr: 'À réception de commande' },
  PT_5050: {
    en: '50% in advance, 50% on delivery',
    de: '50% im Voraus, 50% bei Lieferung',
    fr: "Règlement 50% d'avance, 50% à la livraison",
  },
  '10D': { en: '10 days', de: '10 Tage', fr: '10 jours' },
  '10DENDMONTH': {
    en: 'Within 10 days following the end of the month',
    de: 'Innerhalb von 10 Tagen nach Monatsende',
    fr: 'Sous 10 jours suivant la fin du mois',
  },
  '14D': { en: '14 days', de: '14 Tage', fr: '14 jours' },
  '14DENDMONTH': {
    en: 'Within 14 days following the end of the month',
    de: 'Innerhalb von 14 Tagen nach Monatsende',
    fr: 'Sous 14 jours suivant la fin du mois',
  },
};

/** The term's wording in each portal language where Dolibarr translates its code; null otherwise. */
export function paymentTermWordings(code: string | null | undefined): TermWordings | null {
  const key = code?.trim();
  return (key && Object.hasOwn(DOLIBARR_PAYMENT_TERMS, key) && DOLIBARR_PAYMENT_TERMS[key]) || null;
}
