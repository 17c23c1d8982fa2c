// Findings for the portal's newer sections: service requests, appointments, knowledge base and
// satisfaction surveys. Recognising the table is most of it; what the portal also needs is read off
// the tables around it (where a request's files are kept, where an article's body and translations
// are, which rows of a shared calendar are appointments).
import { SECTION_CONCEPT_IDS } from '../recognition/section-concepts.ts';
import type { DraftFinding, FindingsContext } from './context.ts';
import { tableFinding } from './table-findings.ts';

export function sectionFindings(context: FindingsContext): DraftFinding[] {
  return SECTION_CONCEPT_IDS.map((id) => tableFinding(context, id));
}
