// The words a host's own event carries when a client decides on a version the agency shared for
// approval (Dolibarr's agenda event, Alga PSA's interaction): read by the agency's staff in the
// host, so in the language the host is set up in where the portal speaks it (German, French), else
// in English. The title says what was decided on; the note keeps what the client wrote, the point it
// is about, and the fingerprint of exactly the file decided (the portal's evidence keeps the rest).
import type { ApprovalDecisionNote } from '../../src/index.ts';

type Language = 'en' | 'de' | 'fr';

const WORDS: Record<
  Language,
  {
    approved: string;
    changesRequested: string;
    version: string;
    point: (across: number, down: number, page: number | null) => string;
    fingerprint: (version: number) => string;
    /** What sets a label off from its value: French puts a space before the colon. */
    colon: string;
  }
> = {
  en: {
    approved: 'Approved',
    changesRequested: 'Changes requested',
    version: 'version',
    point: (across, down, page) => `Point: ${across} % across, ${down} % down${page === null ? '' : `, page ${page}`}`,
    fingerprint: (version) => `SHA-256 of version ${version} as decided`,
    colon: ': ',
  },
  de: {
    approved: 'Freigegeben',
    changesRequested: 'Änderungen angefordert',
    version: 'Version',
    point: (across, down, page) => `Stelle: ${across} % von links, ${down} % von oben${page === null ? '' : `, Seite ${page}`}`,
    fingerprint: (version) => `SHA-256 der entschiedenen Version ${version}`,
    colon: ': ',
  },
  fr: {
    approved: 'Validé',
    changesRequested: 'Modifications demandées',
    version: 'version',
    point: (across, down, page) =>
      `Endroit : ${across} % depuis la gauche, ${down} % depuis le haut${page === null ? '' : `, page ${page}`}`,
    fingerprint: (version) => `SHA-256 de la version ${version} décidée`,
    colon: ' : ',
  },
};

/** The host's language setting ('de_DE', 'fr_FR' in Dolibarr, 'de', 'fr' in Alga PSA) as one the portal writes; English otherwise. */
export function approvalNoteLanguage(setting: string | null | undefined): Language {
  const language = /^([a-z]{2})([_-]|$)/i.exec(setting?.trim() ?? '')?.[1]?.toLowerCase();
  return language === 'de' || language === 'fr' ? language : 'en';
}

/** A fraction (0–1) as a whole percentage, as the client set it. */
const percent = (fraction: number) => Math.round(Math.min(1, Math.max(0, fraction)) * 100);

/** The event's title ("Approved: Homepage design, version 2") and note (comment, point, fingerprint). */
export function approvalDecisionText(
  language: Language,
  decision: Pick<ApprovalDecisionNote, 'title' | 'version' | 'outcome' | 'comment' | 'point' | 'fileSha256'>,
): { title: string; note: string } {
  const words = WORDS[language];
  const outcome = decision.outcome === 'approved' ? words.approved : words.changesRequested;
  const title = `${outcome}${words.colon}${decision.title.trim()}, ${words.version} ${decision.version}`;
  const lines = [
    decision.comment.trim(),
    decision.point ? words.point(percent(decision.point.x), percent(decision.point.y), decision.point.page) : '',
    `${words.fingerprint(decision.version)}${words.colon}${decision.fileSha256}`,
  ].filter((line) => line !== '');
  return { title, note: lines.join('\n\n') };
}
