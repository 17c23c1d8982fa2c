// What the portal decides about a PDF without drawing one: its attachment name, and whether an
// image can go in it. Apart from the renderer, which loads pdfkit, its fonts and a QR encoder.

/** PNG or JPEG by their signatures; pdfkit embeds only these. */
export function isEmbeddableImage(content: Buffer): boolean {
  const png = content.length > 8 && content.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const jpeg = content.length > 3 && content[0] === 0xff && content[1] === 0xd8 && content[2] === 0xff;
  return png || jpeg;
}

/** An attachment filename with only safe characters: "Proposal-PRO-0001.pdf". */
export function pdfFilename(...parts: string[]): string {
  const stem = parts
    .join('-')
    .normalize('NFKD')
    .replace(/[^\w.-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 80);
  return `${stem || 'document'}.pdf`;
}
