// The offers pages' query string: a status filter, a search and the cursor of the page to show.
import { z } from 'zod';
import { cursorField, searchField } from '../../core/index.ts';
import { OFFER_STATUS_FILTERS } from './presenters.ts';

export const OfferListQuery = z.object({
  status: z.enum(['all', ...OFFER_STATUS_FILTERS], { error: 'Choose a status from the list.' }).default('all'),
  q: searchField,
  after: cursorField.optional(),
});

export type OfferListInput = z.infer<typeof OfferListQuery>;
