// What was learned from one schema can be switched off (npm run audit:score, leave one out): the
// vocabulary words tagged with it are not read, and the rules tagged with it answer nothing, until
// it is switched back on. Nothing else changes.
import { expect } from 'chai';
import { leaveOut, learnedApplies, learnedRule, taggedSet } from '../../audit/recognition/learned.ts';
import { tokenize } from '../../audit/recognition/names.ts';
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

  it('switches a rule learned on two schemas off while either is left out', () => {
    expect(learnedApplies(['alga-psa', 'dolibarr'])).to.equal(true);
    leaveOut(['dolibarr']);
    expect(learnedApplies(['alga-psa', 'dolibarr'])).to.equal(false);
    expect(learnedApplies('alga-psa')).to.equal(true);
  });

  it('gives a reweighted word its earlier weight while its schema is left out', () => {
    expect(bestWordMatch(['ticket'], TABLE_WORDS.task)?.weight).to.equal(0.6);
    leaveOut(['alga-psa']);
    expect(bestWordMatch(['ticket'], TABLE_WORDS.task)?.weight).to.equal(0.8);
  });

  it('does not find a tagged word of a set while its schema is left out', () => {
    const words = taggedSet(['status'], { frontaccounting: ['trans'] });
    expect(words.has('trans')).to.equal(true);
    expect(tokenize('debtor_trans')).to.deep.equal(['debtor', 'trans']);
    leaveOut(['frontaccounting']);
    expect(words.has('trans')).to.equal(false);
    expect(words.has('status')).to.equal(true);
    // Without the abbreviation kept as is, "trans" is read as a plural.
    expect(tokenize('debtor_trans')).to.deep.equal(['debtor', 'tran']);
  });
});
