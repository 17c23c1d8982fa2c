// The seller and the buyer of a Dolibarr letterhead (queries/letterhead.ts) as the portal's PDFs
// take them. The address is set out as Dolibarr's pdf_build_address sets it: the street lines,
// then "zip town", then the country, which Dolibarr prints on both addresses only when the two
// companies are in different countries (a French agency's invoice to a French client names no
// country, one to a German client names both). The registration is the company's professional ids 1 and 4
// (Setup > Company: SIREN and RCS in France, their counterparts elsewhere), the ones Dolibarr's
// page foot prints first; the VAT number is MAIN_INFO_TVAINTRA.
import type { BuyerParty, SellerParty, LetterheadParties } from '../../src/index.ts';
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

/** MAIN_INFO_SOCIETE_COUNTRY is 'rowid:code:label' ('1:FR:France'); its code and its label. */
const sellerCountry = (value: string | null) => {
  const parts = /^\d+:([A-Z]{2}):(.*)$/.exec(value ?? '');
  return { code: filled(parts?.[1]), label: filled(parts?.[2]) };
};

export function presentLetterhead(row: LetterheadRow): LetterheadParties {
  const registration = [filled(row.seller_idprof1), filled(row.seller_idprof4)].filter(Boolean).join(', ');
  const sellerIn = sellerCountry(row.seller_country);
  const buyerCode = filled(row.country_code);
  // pdf_build_address: the seller's country where both are known and differ; the buyer's where its
  // own is known and differs from the seller's (also when the seller has none).
  const countriesDiffer = buyerCode !== null && buyerCode !== sellerIn.code;
  const seller: SellerParty = {
    legalName: filled(row.seller_name),
    addressLines: addressLines(
      row.seller_address,
      row.seller_zip,
      row.seller_town,
      countriesDiffer && sellerIn.code !== null ? sellerIn.label : null,
    ),
    vatId: filled(row.seller_vat_id),
    registrationNumber: registration || null,
  };
  const buyer: BuyerParty = {
    addressLines: addressLines(row.address, row.zip, row.town, countriesDiffer ? row.country : null),
    taxId: filled(row.tva_intra),
  };
  return { seller, buyer };
}
