// What the baselines (bench/bare.ts, bench/stack-floor.ts, bench/same-statements.ts) serve: the portal's pages as captured,
// read from the JSON file named by BARE_PAGES, and each page's bytes as a template.
import ejs from 'ejs';
import { readFileSync } from 'node:fs';
import type { SentStatement } from './round-trip-meter.ts';

export interface BaselinePage {
  path: string;
  contentType: string;
  /** A text answer; a binary one (a PDF) comes as base64. */
  body?: string;
  base64?: string;
  /** The round trips the portal made for the page. */
  roundTrips?: number;
  /** The statements the portal sent for the page (bench/same-statements.ts sends them again). */
  sent?: SentStatement[];
}

export const baselinePages = (): BaselinePage[] => JSON.parse(readFileSync(process.env.BARE_PAGES!, 'utf8')) as BaselinePage[];

/** The body as a template with one placeholder for a queried name, so rendering does real work. */
export const pageTemplate = (body: string) => ejs.compile(body.replaceAll('<%', '<%%').replace('</body>', '<!-- <%= name %> --></body>'));
