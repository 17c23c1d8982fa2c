// Renders a PdfDocumentModel with pdfkit. Text is set in DejaVu Sans, bundled from npm
// (dejavu-fonts-ttf), because pdfkit's standard fonts cover WinAnsi only: "Łódź" would lose its
// letters. The fonts are read once per thread (each PDF render worker, see render-pool.ts).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import type { PdfDocumentModel } from './document-model.ts';
import { isEmbeddableImage } from './pdf-files.ts';

const require = createRequire(import.meta.url);
const FONT_DIR = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
const REGULAR = readFileSync(path.join(FONT_DIR, 'DejaVuSans.ttf'));
const BOLD = readFileSync(path.join(FONT_DIR, 'DejaVuSans-Bold.ttf'));

const MARGIN = 50;
const MUTED = '#4f5869';
const LINE = '#d5dae3';

/** The printed QR code's side in points, quiet zone included (about 35 mm). */
const QR_SIZE = 100;
/** Modules of white around the code, as the QR standard asks. */
const QR_QUIET = 4;

/** Draws a QR code's dark modules as filled squares (vector, sharp at any zoom); answers its bottom y. */
function drawQr(doc: PDFKit.PDFDocument, modules: { size: number; get(row: number, col: number): number }, x: number, y: number): number {
  const cell = QR_SIZE / (modules.size + QR_QUIET * 2);
  doc.save();
  doc.rect(x, y, QR_SIZE, QR_SIZE).fill('#ffffff');
  for (let row = 0; row < modules.size; row++)
    for (let col = 0; col < modules.size; col++)
      if (modules.get(row, col)) doc.rect(x + (col + QR_QUIET) * cell, y + (row + QR_QUIET) * cell, cell, cell);
  doc.fill('#000000');
  doc.restore();
  return y + QR_SIZE;
}

/** Room beside a cell's text: 2 points each side, and 2 more so rounding never breaks a word. */
const CELL_PADDING = 6;
/** The description column keeps at least this share of the table while figures need the rest. */
const MIN_DESCRIPTION_SHARE = 0.3;

function measure(doc: PDFKit.PDFDocument, text: string, font: 'regular' | 'bold', size: number): number {
  return text ? doc.font(font).fontSize(size).widthOfString(text) : 0;
}

/**
 * The line table's column widths, in points: each figure column as wide as its heading (bold) or
 * its widest cell, measured in the font they are set in, so "Menge" or "Einzelpreis" never breaks
 * and an amount stays on one line; the description takes the rest. Where the figures would leave
 * the description less than its share, they give way down to their headings' widths (a long
 * amount may then wrap; a heading never does).
 */
function columnWidths(doc: PDFKit.PDFDocument, header: string[], body: string[][], width: number): number[] {
  const headings = header.map((label) => measure(doc, label, 'bold', 10) + CELL_PADDING);
  const natural = headings.map((least, index) =>
    Math.max(least, ...body.map((cells) => measure(doc, cells[index] ?? '', 'regular', 10) + CELL_PADDING)),
  );
  const figures = natural.slice(1);
  const room = width * (1 - MIN_DESCRIPTION_SHARE);
  const wanted = figures.reduce((sum, w) => sum + w, 0);
  let widths = figures;
  if (wanted > room) {
    const least = headings.slice(1);
    const floor = least.reduce((sum, w) => sum + w, 0);
    // Share the room above the headings' widths in proportion to what each column would want above its heading.
    const extra = Math.max(0, room - floor);
    const wish = wanted - floor;
    widths = figures.map((w, index) => least[index]! + (wish > 0 ? ((w - least[index]!) * extra) / wish : 0));
  }
  const description = Math.max(width - widths.reduce((sum, w) => sum + w, 0), headings[0] ?? 0);
  return [description, ...widths];
}

/**
 * What sets a label off from its value: French sets a space before the colon, a no-break one so
 * the colon never starts a line ("Titulaire du compte : Demo Agency GmbH").
 */
function labelColon(locale: string): string {
  return /^fr\b/i.test(locale) ? '\u00a0: ' : ': ';
}

export function renderPdf(model: PdfDocumentModel): Promise<Buffer> {
  // Pages stay in memory until the end, so each can be numbered "Page N of M" once M is known.
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    info: { Title: `${model.heading} · ${model.title}`, Author: model.brand.name },
    lang: model.locale,
  });
  doc.registerFont('regular', REGULAR);
  doc.registerFont('bold', BOLD);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const width = doc.page.width - MARGIN * 2;
  const left = MARGIN;
  const colon = labelColon(model.locale);

  // Brand band: the workspace's colour, its logo when it is an image pdfkit can embed, its name.
  doc.rect(0, 0, doc.page.width, 8).fill(model.brand.color);
  let y = MARGIN - 10;
  if (model.brand.logo && isEmbeddableImage(model.brand.logo)) {
    try {
      doc.image(model.brand.logo, left, y, { fit: [140, 48] });
    } catch {
      // A corrupt image is left out; the name still says whose document this is.
    }
  }
  doc
    .font('bold')
    .fontSize(14)
    .fillColor(model.brand.color)
    .text(model.brand.name, left, y + 14, { width, align: 'right' });
  y += 70;

  doc.font('bold').fontSize(20).fillColor('#1d2330').text(model.heading, left, y, { width });
  doc.font('regular').fontSize(13).fillColor(MUTED).text(model.title, { width });
  if (model.amountDue) {
    doc.moveDown(0.4);
    doc.font('bold').fontSize(16).fillColor(model.brand.color).text(model.amountDue, { width });
  }
  doc.moveDown(0.8);

  doc.fontSize(10);
  for (const item of model.meta) {
    const rowY = doc.y;
    doc.font('bold').fillColor('#1d2330').text(item.label, left, rowY, { width: 150 });
    doc.font('regular').text(item.value, left + 160, rowY, { width: width - 160 });
  }
  doc.moveDown(0.8);

  // An invoice's parties (seller, buyer) side by side, each with only the lines it has.
  const parties = (model.parties ?? []).filter((party) => party.lines.length);
  if (parties.length) {
    const top = doc.y;
    const colWidth = (width - 20 * (parties.length - 1)) / parties.length;
    let bottom = top;
    parties.forEach((party, index) => {
      const x = left + index * (colWidth + 20);
      doc.font('bold').fontSize(9).fillColor(MUTED).text(party.heading.toUpperCase(), x, top, { width: colWidth });
      doc.font('regular').fontSize(10).fillColor('#1d2330');
      for (const line of party.lines) doc.text(line, x, doc.y, { width: colWidth });
      bottom = Math.max(bottom, doc.y);
    });
    doc.x = left;
    doc.y = bottom;
    doc.moveDown(0.8);
  }

  if (model.body.trim()) {
    doc.font('regular').fontSize(10.5).fillColor('#1d2330').text(model.body, left, doc.y, { width });
    doc.moveDown(0.8);
  }

  // Line items: description, quantity, unit price, (discount), (tax), total. The discount column
  // only where a line has one, and the model names it.
  const discounts = model.columns.discount !== undefined && model.lines.some((line) => line.discount);
  const discountHeader = (): string[] => (discounts ? [model.columns.discount!] : []);
  const discountCells = (line: PdfDocumentModel['lines'][number]): string[] => (discounts ? [line.discount ?? ''] : []);
  const taxAmounts = model.showLineTax && model.columns.taxAmount !== undefined;
  const taxHeader = (): string[] =>
    taxAmounts ? [model.columns.tax, model.columns.taxAmount!] : model.showLineTax ? [model.columns.tax] : [];
  const taxCells = (line: PdfDocumentModel['lines'][number]): string[] =>
    taxAmounts ? [line.taxRate ?? '', line.taxAmount ?? ''] : model.showLineTax ? [line.taxRate ?? ''] : [];
  const header = [
    model.columns.description,
    model.columns.quantity,
    model.columns.unitPrice,
    ...discountHeader(),
    ...taxHeader(),
    model.columns.total,
  ];
  const body = model.lines.map((line) => [
    line.description,
    line.quantity,
    line.unitPrice,
    ...discountCells(line),
    ...taxCells(line),
    line.total,
  ]);
  const cols = columnWidths(doc, header, body, width).map((w, index) => ({ w, a: index === 0 ? 'left' : 'right' }));
  const bottomLimit = doc.page.height - MARGIN - 24;
  const row = (cells: string[], font: 'regular' | 'bold') => {
    // A row starts on a new page rather than split across two (its columns would part).
    if (doc.y + 28 > bottomLimit) doc.addPage();
    const top = doc.y;
    let x = left;
    let bottom = top;
    cells.forEach((cell, index) => {
      const col = cols[index]!;
      const w = col.w;
      doc
        .font(font)
        .fontSize(10)
        .fillColor('#1d2330')
        .text(cell, x + 2, top, { width: w - 4, align: col.a as 'left' | 'right' });
      bottom = Math.max(bottom, doc.y);
      x += w;
    });
    doc
      .moveTo(left, bottom + 3)
      .lineTo(left + width, bottom + 3)
      .strokeColor(LINE)
      .lineWidth(0.5)
      .stroke();
    doc.x = left;
    doc.y = bottom + 7;
  };
  // A document without lines (a receipt) has no table.
  if (model.lines.length) row(header, 'bold');
  for (const cells of body) row(cells, 'regular');
  doc.moveDown(0.5);

  // Totals and the tax per rate: the figures right-aligned in one column as wide as the widest of
  // them (at the size each is set in), their labels right-aligned before it.
  const figureWidth = Math.max(
    width * 0.2,
    ...model.totals.map((total) => measure(doc, total.value, total.strong ? 'bold' : 'regular', total.strong ? 12 : 10) + CELL_PADDING),
    ...(model.taxBreakdown?.rows ?? []).map((item) => measure(doc, item.value, 'regular', 9.5) + CELL_PADDING),
  );
  const figureX = left + width - figureWidth;
  const labelX = left + width * 0.25;
  const labelWidth = figureX - labelX - 8;
  for (const total of model.totals) {
    const top = doc.y;
    doc
      .font(total.strong ? 'bold' : 'regular')
      .fontSize(total.strong ? 12 : 10)
      .fillColor('#1d2330');
    doc.text(total.label, labelX, top, { width: labelWidth, align: 'right' });
    doc.text(total.value, figureX, top, { width: figureWidth, align: 'right' });
  }
  doc.x = left;
  doc.moveDown(1);

  // Net amount and tax per rate.
  if (model.taxBreakdown?.rows.length) {
    doc
      .font('bold')
      .fontSize(10)
      .fillColor('#1d2330')
      .text(model.taxBreakdown.heading, labelX, doc.y, { width: width * 0.75, align: 'right' });
    doc.font('regular').fontSize(9.5);
    for (const item of model.taxBreakdown.rows) {
      const top = doc.y;
      doc.text(item.label, labelX, top, { width: labelWidth, align: 'right' });
      doc.text(item.value, figureX, top, { width: figureWidth, align: 'right' });
    }
    doc.x = left;
    doc.moveDown(1);
  }

  if (model.taxNote) {
    doc.font('bold').fontSize(10).fillColor('#1d2330').text(model.taxNote, left, doc.y, { width });
    doc.moveDown(1);
  }

  if (model.payments?.rows.length) {
    doc.font('bold').fontSize(12).fillColor('#1d2330').text(model.payments.label, left, doc.y, { width });
    doc.font('regular').fontSize(10);
    for (const payment of model.payments.rows)
      doc.text([payment.when, payment.method, payment.reference, payment.amount].filter(Boolean).join(' · '), { width });
    doc.moveDown(0.8);
  }

  if (model.notes) {
    doc.font('bold').fontSize(12).fillColor('#1d2330').text(model.notes.label, left, doc.y, { width });
    doc.font('regular').fontSize(10).text(model.notes.text, { width });
    doc.moveDown(0.8);
  }

  // Payment terms, bank details: a heading, then each row that has a value; a section's QR code
  // (the bank transfer's) stands at the right, beside its rows.
  for (const section of model.sections ?? []) {
    if (!section.rows.length) continue;
    const qr = section.qr ? QRCode.create(section.qr.text, { errorCorrectionLevel: 'M' }).modules : null;
    // Heading, rows and code stay together: a code cut by a page break cannot be scanned.
    if (qr && doc.y + QR_SIZE + 40 > doc.page.height - doc.page.margins.bottom) doc.addPage();
    const top = doc.y;
    const textWidth = qr ? width - QR_SIZE - 16 : width;
    doc.font('bold').fontSize(12).fillColor('#1d2330').text(section.heading, left, doc.y, { width: textWidth });
    doc.fontSize(10);
    for (const item of section.rows) {
      if (item.label) {
        doc.font('bold').text(`${item.label}${colon}`, left, doc.y, { width: textWidth, continued: true });
        doc.font('regular').text(item.value);
      } else {
        doc.font('regular').text(item.value, left, doc.y, { width: textWidth });
      }
    }
    if (qr && section.qr) {
      const bottom = drawQr(doc, qr, left + width - QR_SIZE, top);
      doc
        .font('regular')
        .fontSize(8)
        .fillColor(MUTED)
        .text(section.qr.caption, left + width - QR_SIZE, bottom + 2, { width: QR_SIZE, align: 'center' });
      doc.fillColor('#1d2330');
      doc.y = Math.max(doc.y, bottom + 14);
      doc.x = left;
    }
    doc.moveDown(0.8);
  }

  if (model.evidence) {
    const top = doc.y;
    doc
      .font('bold')
      .fontSize(12)
      .fillColor(model.brand.color)
      .text(model.evidence.heading, left + 10, top + 8, { width: width - 20 });
    doc.font('regular').fontSize(9.5).fillColor('#1d2330');
    for (const item of model.evidence.rows) doc.text(`${item.label}${colon}${item.value}`, left + 10, doc.y, { width: width - 20 });
    // The drawn signature, when there is one: only a PNG the decision service has already checked.
    if (model.evidence.signaturePng && isEmbeddableImage(model.evidence.signaturePng)) {
      const at = doc.y + 6;
      try {
        doc.image(model.evidence.signaturePng, left + 10, at, { fit: [220, 70] });
        doc.y = at + 74;
      } catch {
        doc.y = at;
      }
    }
    doc
      .rect(left, top, width, doc.y - top + 8)
      .strokeColor(model.brand.color)
      .lineWidth(1)
      .stroke();
    doc.y += 16;
    doc.x = left;
  }

  doc
    .font('regular')
    .fontSize(8.5)
    .fillColor(MUTED)
    .text(model.footer, left, doc.y + 10, { width, align: 'center' });

  // The seller's legal details and "Page N of M" at the foot of every page, below the bottom
  // margin (lifted meanwhile, so the text does not itself start a new page): the details at the
  // left in at most two lines, the page number at the right.
  if (model.pageLabel || model.legalFooter) {
    const range = doc.bufferedPageRange();
    const pageNumberWidth = 80;
    for (let index = range.start; index < range.start + range.count; index += 1) {
      doc.switchToPage(index);
      const margin = doc.page.margins.bottom;
      doc.page.margins.bottom = 0;
      const top = doc.page.height - MARGIN + 12;
      doc.font('regular').fontSize(7.5).fillColor(MUTED);
      if (model.legalFooter) {
        doc.text(model.legalFooter, left, top, { width: width - pageNumberWidth - 12, height: 20, ellipsis: true });
      }
      if (model.pageLabel) {
        const label = model.pageLabel.replace('{page}', String(index - range.start + 1)).replace('{pages}', String(range.count));
        doc.fontSize(8).text(label, left + width - pageNumberWidth, top, { width: pageNumberWidth, align: 'right', lineBreak: false });
      }
      doc.page.margins.bottom = margin;
    }
  }
  doc.end();
  return done;
}
