// A line's time entries of one period as a CSV file a spreadsheet opens as it is: RFC 4180 (every
// cell quoted where it holds a comma, a quote or a line break, quotes doubled, CRLF between rows),
// UTF-8 with a byte order mark so Excel reads "Müller" as written, dates as YYYY-MM-DD and amounts
// with a dot, whatever the reader's language. A cell of text that a spreadsheet would take for a
// formula (it starts with = + - @, a tab or a carriage return) is written with a ' before it, so
// a description typed by someone at the agency is never run on the client's machine.
import type { ContractTimeEntry } from './port.ts';

const BYTE_ORDER_MARK = '\uFEFF';

/** What a spreadsheet reads as the start of a formula (OWASP's list for CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell of text: guarded against formulas, then quoted where RFC 4180 asks. */
function csvText(value: string): string {
  const guarded = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

/** An amount as a spreadsheet reads a number in every locale: a dot, at most two decimals. */
function csvNumber(value: number): string {
  return String(Math.round(value * 100) / 100);
}

export interface EntriesCsvHeadings {
  day: string;
  amount: string;
  description: string;
  by: string;
}

/** The file's text: the headings in the reader's language, then one row per entry, as the host gives them. */
export function timeEntriesCsv(headings: EntriesCsvHeadings, entries: readonly ContractTimeEntry[]): string {
  const rows = [
    [headings.day, headings.amount, headings.description, headings.by].map(csvText),
    ...entries.map((entry) => [entry.date, csvNumber(entry.amount), csvText(entry.description), csvText(entry.by ?? '')]),
  ];
  return `${BYTE_ORDER_MARK}${rows.map((cells) => cells.join(',')).join('\r\n')}\r\n`;
}

/** "time-entries-CT-2026-001-2026-11-01-2026-11-30.csv": the contract's number and the period's days. */
export function timeEntriesFilename(word: string, contract: string, firstDay: string, lastDay: string): string {
  const stem = [word, contract, firstDay, lastDay]
    .join('-')
    .normalize('NFKD')
    .replace(/[^\w.-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 100);
  return `${stem || 'time-entries'}.csv`;
}
