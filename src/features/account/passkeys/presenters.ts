// A person's passkeys as their list shows them: the name they gave, when added and last used.
import type { RequestI18n } from '../../../core/index.ts';
import type { PasskeyRow } from './queries.ts';

export interface PasskeyItem {
  id: string;
  name: string;
  added: string;
  lastUsed: string;
  synced: boolean;
}

export function presentPasskeys(rows: PasskeyRow[], i18n: RequestI18n): PasskeyItem[] {
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    added: i18n.fmt.dateTime(row.created_at),
    lastUsed: row.last_used_at ? i18n.fmt.dateTime(row.last_used_at) : i18n.t('passkeys:list.neverUsed'),
    synced: row.backed_up,
  }));
}
