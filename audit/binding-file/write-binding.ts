// The binding file text from an inspection of the host: the draft (draft-binding.ts), with the
// values its questions quote read from the live database (read-only), written as YAML with the
// audit's reasons as comments. Sections in block style, small values (where, concat) in flow style,
// each question a double-quoted "QUESTION: ..." string.
import { Document, Pair, Scalar, YAMLMap } from 'yaml';
import type { HostInspection } from '../run-audit.ts';
import { Block, type Entry, draftBinding, QUESTION_MARK, Question } from './draft-binding.ts';
import { readObservedValues } from './observed-values.ts';

export interface BindingDraftText {
  text: string;
  /** How many questions the file asks. */
  questions: number;
}

export async function writeBindingDraft(databaseUrl: string, inspection: HostInspection): Promise<BindingDraftText> {
  // The draft names the status and kind columns it asks about; their values are read, and the
  // draft made again with them (the same picks: the draft depends on nothing else that changed).
  const { wanted } = draftBinding({ ...inspection, observed: new Map() });
  const observed = await readObservedValues(databaseUrl, wanted);
  return renderDraft(draftBinding({ ...inspection, observed }));
}

function renderDraft(draft: ReturnType<typeof draftBinding>): BindingDraftText {
  const doc = new Document();
  let questions = 0;
  const node = (value: Entry['value']): unknown => {
    if (value instanceof Question) {
      questions += 1;
      const scalar = new Scalar(`${QUESTION_MARK} ${value.text}`);
      scalar.type = Scalar.QUOTE_DOUBLE;
      return scalar;
    }
    if (value instanceof Block) return block(value.entries);
    return doc.createNode(value, { flow: true });
  };
  const block = (entries: Entry[], top = false): YAMLMap => {
    const map = new YAMLMap();
    for (const entry of entries) {
      const key = new Scalar(entry.key);
      if (entry.comment) key.commentBefore = entry.comment.join('\n');
      if (top && entry.value instanceof Block) key.spaceBefore = true;
      map.items.push(new Pair(key, node(entry.value)));
    }
    return map;
  };
  doc.contents = block(draft.entries, true);
  doc.commentBefore = draft.header.join('\n');
  return { text: doc.toString({ lineWidth: 0 }), questions };
}
