// Documents are read back in slices (a download sends 128 KB per query). A compressed value must be
// decompressed from its start for every slice, so a compressible 50 MB file cost 170 ms a slice
// and its download grew with the square of its size; stored out of line uncompressed, a slice
// reads only the pages it needs (PostgreSQL's documented use of EXTERNAL storage). It applies to
// values written from now on.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table documents alter column content set storage external');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table documents alter column content set storage extended');
}
