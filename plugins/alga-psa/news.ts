// The news port on Alga PSA: invoices finalized and quotes sent since the portal's cursor, for
// clients' notifications when the portal runs beside Alga (which cannot call the portal). The
// cursor is the JSON of queries/news.ts's NewsCursor; one this binding did not write starts anew.
import type { Knex } from 'knex';
import { z } from 'zod';
import type { HostNewsItem, HostNewsPort } from '../../src/index.ts';
import { positionAfter, readNewsCursor } from '../shared/news-cursor.ts';
import { invoicesIssuedSince, newsStart, quotesSentSince, type NewsCursor, type Part } from './queries/news.ts';

const position = z.string().max(40);
const cursorSchema = z.object({
  invoices: position,
  quotes: position,
  start: z.object({ invoices: position, quotes: position }),
});

export function algaNews(db: Knex, tenantOf: (workspaceId: string) => string | null): HostNewsPort {
  return {
    async since(workspaceId, cursorText) {
      const tenant = tenantOf(workspaceId);
      if (tenant === null) return { items: [], cursor: cursorText ?? '' };
      const cursor = readNewsCursor(cursorSchema, cursorText);
      // The first read tells of nothing past: it only notes where Alga is.
      if (!cursor) return { items: [], cursor: JSON.stringify(await newsStart(db, tenant)) };
      const read = (part: Part) =>
        Promise.all([
          invoicesIssuedSince(db, tenant, cursor.invoices, cursor.start.invoices, part),
          quotesSentSince(db, tenant, cursor.quotes, cursor.start.quotes, part),
        ]);
      const [[recentInvoices, recentQuotes], [invoices, quotes]] = await Promise.all([read('recent'), read('new')]);
      const items: HostNewsItem[] = [
        ...[...recentInvoices, ...invoices].map((row) => ({
          kind: 'invoice' as const,
          happened: 'issued' as const,
          id: row.invoice_id,
          clientId: row.client_id,
          number: row.invoice_number,
          title: '',
        })),
        ...[...recentQuotes, ...quotes].map((row) => ({
          kind: 'quotation' as const,
          happened: 'sent' as const,
          id: row.quote_id,
          clientId: row.client_id,
          number: row.quote_number?.trim() || row.title,
          title: row.title,
        })),
      ];
      const next: NewsCursor = {
        invoices: positionAfter(cursor.invoices, invoices),
        quotes: positionAfter(cursor.quotes, quotes),
        start: cursor.start,
      };
      return { items, cursor: JSON.stringify(next) };
    },
  };
}
