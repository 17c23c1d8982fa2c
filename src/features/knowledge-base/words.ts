// A reader's words as the knowledge base searches them: letters and digits of any script, in
// lower case, at most ten. A search keeps every word (the reader chose them); suggestions from a
// ticket's subject drop the short and the common ones ("how", "the", "ich"), which would match
// nearly every article and bury the one that helps.

const WORD = /[\p{L}\p{N}]+/gu;
const MAX_WORDS = 10;
const MAX_WORD_LENGTH = 50;

/** Common words of the portal's languages, which say nothing of what a ticket is about. */
const COMMON = new Set(
  [
    // English
    'about after again all and any are but can cannot could did does doing for from get got had has have how into its just not now ' +
      'off our out please still than that the their them then there they this was what when where which who why will with would you your',
    // German
    'aber alle als auch auf aus bei bin bis das dass dem den der des die doch ein eine einem einen einer es für hat habe haben ich ' +
      'ihr ihre im ist jetzt kann kein keine mein meine mit nach nicht noch nur oder sein sich sie sind und uns von war was wie wir wird zu zum zur',
    // French
    'aux avec ce cela ces cet cette comment dans des depuis elle est était les leur mais mes mon nos notre nous par pas peut plus ' +
      'pour pourquoi quand que quel quelle qui sans ses son sont sur toujours tous tout une vos votre vous',
  ]
    .join(' ')
    .split(' '),
);

function wordsOf(text: string): string[] {
  return [...new Set((text.toLowerCase().match(WORD) ?? []).map((word) => word.slice(0, MAX_WORD_LENGTH)))];
}

/** The words of a search, as typed. */
export function searchWords(text: string): string[] {
  return wordsOf(text).slice(0, MAX_WORDS);
}

/** The words of a ticket's subject worth matching: three letters or more, not common ones. */
export function suggestionWords(subject: string): string[] {
  return wordsOf(subject)
    .filter((word) => word.length >= 3 && !COMMON.has(word))
    .slice(0, MAX_WORDS);
}
