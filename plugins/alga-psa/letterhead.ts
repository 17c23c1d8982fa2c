// The seller and the buyer of an Alga PSA letterhead (queries/letterhead.ts) as the portal's PDFs
// take them: the street lines, then the town line ("Seattle, WA 98101" where there is a state or
// province, "69003 Lyon" where there is none), then the country. Alga keeps no company
// registration number, so none is printed.
import type { SellerParty, LetterheadParties } from '../../src/index.ts';
import type { AddressRow, LetterheadRow } from './queries/letterhead.ts';

const filled = (value: string | null | undefined) => value?.trim() || null;

function addressLines(row: AddressRow | null): string[] | null {
  if (!row) return null;
  const city = filled(row.city);
  const state = filled(row.state_province);
  const postal = filled(row.postal_code);
  const town = state
    ? [city, [state, postal].filter(Boolean).join(' ')].filter(Boolean).join(', ')
    : [postal, city].filter(Boolean).join(' ');
  const lines = [filled(row.address_line1), filled(row.address_line2), filled(row.address_line3), filled(town), filled(row.country_name)];
  const present = lines.filter((line): line is string => line !== null);
  return present.length ? present : null;
}

export function presentLetterhead(row: LetterheadRow): LetterheadParties {
  const seller: SellerParty = {
    legalName: filled(row.seller_name),
    addressLines: addressLines(row.seller),
    vatId: filled(row.seller_tax_id),
    registrationNumber: null,
  };
  return { seller, buyer: { addressLines: addressLines(row.buyer), taxId: filled(row.buyer_tax_id) } };
}
