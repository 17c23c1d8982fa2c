// A drawn signature is kept as the strokes the person drew (canvas CSS pixels, rounded to a tenth)
// beside the PNG the server draws from them. The strokes do not grow with the screen's pixel
// density, as the canvas PNG the browser used to send did, and they are the finer evidence: the
// order and path of every stroke. Rows from before keep their PNG and no strokes.
import type { Knex } from 'knex';
import { addOwnedColumns, dropOwnedColumns } from '../../../core/index.ts';

export async function up(knex: Knex): Promise<void> {
  await addOwnedColumns(knex, 'portal_offer_decisions', {
    signature_strokes: (t) =>
      t
        .jsonb('signature_strokes')
        .comment(
          'The drawn signature as strokes ({v,w,h,s}: canvas CSS size and x,y pairs per stroke); signature_png is drawn from it. Null for a typed name or an older drawn PNG.',
        ),
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropOwnedColumns(knex, 'portal_offer_decisions', ['signature_strokes']);
}
