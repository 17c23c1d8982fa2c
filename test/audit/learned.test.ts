// What was learned from one schema can be switched off (npm run audit:score, leave one out): the
// vocabulary words tagged with it are not read, and the rules tagged with it answer nothing, until
// it is switched back on. Nothing else changes.
import { expect } from 'chai';
import { leaveOut, learnedRule } from '../../audit/recognition/learned.ts';
import { bestWordMatch } from '../../audit/recognition/names.ts';
import { TABLE_WORDS } from '../../audit/recognition/vocabulary.ts';

describe('audit: rules and words learned from one schema, left out', () => {
  afterEach(() => leaveOut([]));

  it("does not read a CRM's own table words while its schema is left out, and reads them again after", () => {
    expect(bestWordMatch(['socpeople'], TABLE_WORDS.contact)?.word).to.equal('socpeople');
    leaveOut(['dolibarr']);
    // Only the general word glued in it is left ("people", weaker as part of a compound).
    expect(bestWordMatch(['socpeople'], TABLE_WORDS.contact)).to.include({ word: 'people', kind: 'compound' });
    expect(bestWordMatch(['llx', 'fichinter'], TABLE_WORDS.timeEntry)).to.equal(null);
    // Words learned elsewhere, and untagged words, are still read.
    expect(bestWordMatch(['contact'], TABLE_WORDS.contact)?.word).to.equal('contact');
    expect(bestWordMatch(['party'], TABLE_WORDS.company)?.word).to.equal('party');
    leaveOut([]);
    expect(bestWordMatch(['llx', 'fichinter'], TABLE_WORDS.timeEntry)?.word).to.equal('fichinter');
  });

  it('switches a tagged rule off for its schema only', () => {
    const rule = learnedRule('tryton', (n: number) => n * 2);
    expect(rule(2)).to.equal(4);
    leaveOut(['frontaccounting']);
    expect(rule(2)).to.equal(4);
    leaveOut(['tryton']);
    expect(rule(2)).to.equal(null);
  });
});
