// Names refuse characters that change how text is shown without being seen, but keep the two that
// are spelling in some scripts: the zero-width non-joiner and joiner, between two letters of one
// script that shapes by joining (Persian, Hindi, Malayalam…) or, the joiner, inside an emoji
// sequence. Alone, at an end, doubled, between Latin letters or beside a bidi control they are
// still refused.
import { expect } from 'chai';
import { hasInvisibleFormatting } from '../../src/core/web/invisible-formatting.ts';
import { personNameField } from '../../src/core/web/fields.ts';

const ZWNJ = '\u200c';
const ZWJ = '\u200d';

describe('invisible formatting in names', function () {
  const spelled = {
    'Persian “I want”, a non-joiner between mi and khāham': `می${ZWNJ}خواهم`,
    'a Persian name with a non-joiner (Mehrābādi)': `مهر${ZWNJ}آبادی`,
    'Hindi half-form kṣa, a joiner after the virama': `क्${ZWJ}ष`,
    'Hindi with a non-joiner after the virama (no conjunct)': `क्${ZWNJ}ष`,
    'a Malayalam chillu spelled with a joiner': `ന്${ZWJ}മ`,
    'Bengali ra-phala with a joiner': `র্${ZWJ}য`,
    'an emoji family (man, woman, girl)': `Ana 👨${ZWJ}👩${ZWJ}👧`,
    'a woman scientist with a skin tone': `👩🏽${ZWJ}🔬 Lab`,
    'a rainbow flag (white flag, selector, joiner, rainbow)': `🏳️${ZWJ}🌈`,
  };
  for (const [what, name] of Object.entries(spelled))
    it(`accepts ${what}`, function () {
      expect(hasInvisibleFormatting(name), JSON.stringify(name)).to.equal(false);
      expect(personNameField.safeParse(name).success).to.equal(true);
    });

  const refused = {
    'a joiner alone': ZWJ,
    'a non-joiner alone': ZWNJ,
    'a non-joiner at the start of a Persian name': `${ZWNJ}میخواهم`,
    'a non-joiner at the end of a Persian name': `میخواهم${ZWNJ}`,
    'a joiner between two Latin letters': `Re${ZWJ}named`,
    'a non-joiner between two Latin letters': `Ma${ZWNJ}ria`,
    'two non-joiners in a row in Persian': `می${ZWNJ}${ZWNJ}خواهم`,
    'a non-joiner beside a right-to-left mark': `می\u200f${ZWNJ}خواهم`,
    'a joiner beside a bidi isolate': `क्${ZWJ}\u2066ष\u2069`,
    'a joiner between letters of two scripts (Devanagari, Arabic)': `क्${ZWJ}خ`,
    'a joiner between an emoji and a letter': `👩${ZWJ}A`,
    'a zero-width space in Persian': `می\u200bخواهم`,
    'a direction override': 'Renamed \u202Egnihton\u202C',
    'a byte order mark': 'Eve\uFEFFSmith',
  };
  for (const [what, name] of Object.entries(refused))
    it(`refuses ${what}`, function () {
      expect(hasInvisibleFormatting(name), JSON.stringify(name)).to.equal(true);
      expect(personNameField.safeParse(name).success).to.equal(false);
    });

  it('accepts names with none of these characters', function () {
    for (const name of ['Maria García', 'Zoë O’Brien', 'محمد رضایی', 'प्रिया नायर'])
      expect(hasInvisibleFormatting(name), name).to.equal(false);
  });
});
