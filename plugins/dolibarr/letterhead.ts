// The seller and the buyer of a Dolibarr letterhead (queries/letterhead.ts) as the portal's PDFs
// take them. The address is set out as Dolibarr's pdf_build_address sets it: the street lines,
// then "zip town", then the country. The registration is the company's professional ids 1 and 4
// (Setup > Company: SIREN and RCS in France, their counterparts elsewhere), the ones Dolibarr's
// page foot prints first; the VAT number is MAIN_INFO_TVAINTRA.
import type { InvoiceBuyer, InvoiceSeller, LetterheadParties } from '../../src/index.ts';
import type { LetterheadRow } from './queries/letterhead.ts';

const filled = (value: string | null | undefined) => value?.trim() || null;

function addressLines(street: string | null, zip: string | null, town: string | null, country: string | null): string[] | null {
  const lines = [
    ...(street ?? '')
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter(Boolean),
    ...[[filled(zip), filled(town)].filter(Boolean).join(' ')].filter(Boolean),
    ...(filled(country) ? [filled(country)!] : []),
  ];
  return lines.length ? lines : null;
}

/** MAIN_INFO_SOCIETE_COUNTRY is 'rowid:code:label' ('1:FR:France'); its label. */
const countryLabel = (value: string | null) => filled(/^\d+:[A-Z]{2}:(.*)$/.exec(value ?? '')?.[1]);

export function presentLetterhead(row: LetterheadRow): LetterheadParties {
  const registration = [filled(row.seller_idprof1), filled(row.seller_idprof4)].filter(Boolean).join(', ');
  const seller: InvoiceSeller = {
    legalName: filled(row.seller_name),
    addressLines: addressLines(row.seller_address, row.seller_zip, row.seller_town, countryLabel(row.seller_country)),
    vatId: filled(row.seller_vat_id),
    registrationNumber: registration || null,
  };
  const buyer: InvoiceBuyer = {
    addressLines: addressLines(row.address, row.zip, row.town, row.country),
    taxId: filled(row.tva_intra),
  };
  return { seller, buyer };
}
