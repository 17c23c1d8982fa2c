// A multipart form's field and file names as the person typed them. Browsers write a line feed, a
// carriage return and a double quote in those names as %0A, %0D and %22 (the HTML standard's
// multipart/form-data encoding), and nothing else; busboy hands the escaped text over as it is. A
// literal "%22" in a name cannot be told from an escaped quote, and the standard accepts that.
const ESCAPED = /%0A|%0D|%22/gi;
const TYPED: Record<string, string> = { '%0A': '\n', '%0D': '\r', '%22': '"' };

export function typedMultipartName(name: string): string {
  return name.replace(ESCAPED, (sequence) => TYPED[sequence.toUpperCase()]!);
}
