export { presentOfferRow } from './presenters.ts';
