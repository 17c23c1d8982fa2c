// Characters that change how the text around them is shown without being seen: the bidi embeddings,
// overrides, isolates and marks (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F) and the zero-width
// ones (U+200B–U+200D, U+2060, U+FEFF). In a name shown to staff they can reverse what follows it or
// make two names look alike, so names refuse them.
//
// Two of them are spelling in some scripts, though: the zero-width non-joiner (U+200C) and joiner
// (U+200D). Persian writes "mi-khāham" (I want) with a non-joiner between mi and khāham, Hindi a
// half-form of kṣa with a joiner after the virama, and an emoji family or profession is pictographs
// joined by U+200D. A name is allowed them where such a script needs them — between two letters or marks of
// one script that shapes by joining, or (the joiner) between two pictographs — and refused them
// alone, at either end, twice in a row, or next to any other of these characters (a bidi control
// beside a joiner is not spelling).
const INVISIBLE_FORMATTING = /[\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/u;

const ZWNJ = '\u200c';
const ZWJ = '\u200d';

const LETTER_OR_MARK = /^[\p{L}\p{M}]$/u;

/**
 * The scripts whose shaping the joiners steer (Unicode's ZWJ/ZWNJ guidance and the IDNA ContextJ
 * rules: Arabic-script joining, Indic half-forms and conjuncts, and their neighbours).
 */
const JOINING_SCRIPTS = [
  /^\p{scx=Arabic}$/u,
  /^\p{scx=Syriac}$/u,
  /^\p{scx=Nko}$/u,
  /^\p{scx=Mongolian}$/u,
  /^\p{scx=Devanagari}$/u,
  /^\p{scx=Bengali}$/u,
  /^\p{scx=Gurmukhi}$/u,
  /^\p{scx=Gujarati}$/u,
  /^\p{scx=Oriya}$/u,
  /^\p{scx=Tamil}$/u,
  /^\p{scx=Telugu}$/u,
  /^\p{scx=Kannada}$/u,
  /^\p{scx=Malayalam}$/u,
  /^\p{scx=Sinhala}$/u,
  /^\p{scx=Myanmar}$/u,
  /^\p{scx=Khmer}$/u,
];

/** What may stand before a joiner in an emoji sequence: a pictograph, a skin tone, or the emoji presentation selector. */
const EMOJI_BEFORE = /^(?:\p{Extended_Pictographic}|\p{Emoji_Modifier}|\ufe0f)$/u;
const PICTOGRAPH = /^\p{Extended_Pictographic}$/u;

function sameJoiningScript(before: string, after: string): boolean {
  if (!LETTER_OR_MARK.test(before) || !LETTER_OR_MARK.test(after)) return false;
  return JOINING_SCRIPTS.some((script) => script.test(before) && script.test(after));
}

/** Whether the joiner at `index` of `chars` (code points) spells something in its script. */
function joinerSpells(chars: readonly string[], index: number): boolean {
  const before = chars[index - 1];
  const after = chars[index + 1];
  if (before === undefined || after === undefined) return false;
  if (sameJoiningScript(before, after)) return true;
  return chars[index] === ZWJ && EMOJI_BEFORE.test(before) && PICTOGRAPH.test(after);
}

/** Whether a text holds one of those characters where no script needs it. */
export function hasInvisibleFormatting(text: string): boolean {
  if (!INVISIBLE_FORMATTING.test(text)) return false;
  const chars = Array.from(text);
  return chars.some((char, index) => {
    if (char === ZWNJ || char === ZWJ) return !joinerSpells(chars, index);
    return INVISIBLE_FORMATTING.test(char);
  });
}
