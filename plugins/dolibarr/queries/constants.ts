// Dolibarr's per-entity settings (llx_const): the company's own name and main currency. Entity 0
// holds instance-wide values; the entity's own row wins over it.
import type { Db } from './db.ts';

async function constant(db: Db, entity: number, name: string): Promise<string | null> {
  const row = await db('llx_const')
    .where('name', name)
    .whereIn('entity', [0, entity])
    .orderBy('entity', 'desc')
    .first<{ value: string } | undefined>('value');
  return row?.value ?? null;
}

/** MAIN_MONNAIE: the currency every total_* column of the entity is in. */
export const entityCurrency = (db: Db, args: { entity: number }) => constant(db, args.entity, 'MAIN_MONNAIE');

/** MAIN_INFO_SOCIETE_NOM: the agency's name as set up in Dolibarr (Home > Setup > Company). */
export const entityCompanyName = (db: Db, args: { entity: number }) => constant(db, args.entity, 'MAIN_INFO_SOCIETE_NOM');
