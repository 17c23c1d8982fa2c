// Files for upload tests, built in memory: a small valid PDF, a Windows executable header, and a
// zip whose one entry inflates to far more than it weighs (a zip bomb), so tests can show that the
// portal stores archives as they are and never unpacks them.
import { deflateRawSync, crc32 } from 'node:zlib';

export function smallPdf(text = 'Hello from the client'): Buffer {
  return Buffer.from(`%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% ${text}\ntrailer << /Root 1 0 R >>\n%%EOF\n`, 'latin1');
}

/** A PDF of about `bytes` bytes: a header, then filler in a comment. */
export function pdfOfSize(bytes: number): Buffer {
  const head = Buffer.from('%PDF-1.4\n%', 'latin1');
  const tail = Buffer.from('\n%%EOF\n', 'latin1');
  const body = Buffer.alloc(Math.max(bytes - head.length - tail.length, 0), 0x41);
  return Buffer.concat([head, body, tail]);
}

/** The start of a PE executable ("MZ" DOS header pointing at a "PE\0\0" signature). */
export function windowsExecutable(): Buffer {
  const exe = Buffer.alloc(1024);
  exe.write('MZ', 0, 'latin1');
  exe.writeUInt32LE(0x80, 0x3c);
  exe.write('PE\0\0', 0x80, 'latin1');
  exe.writeUInt16LE(0x14c, 0x84);
  return exe;
}

/** A zip with one entry of `inflatedBytes` zeros, deflated: a few hundred KB that unpack to far more. */
export function zipBomb(inflatedBytes = 200 * 1024 * 1024): { zip: Buffer; inflatedBytes: number } {
  const name = Buffer.from('zeros.bin');
  const zeros = Buffer.alloc(inflatedBytes);
  const data = deflateRawSync(zeros, { level: 9 });
  const crc = crc32(zeros);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8); // deflate
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(inflatedBytes, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(inflatedBytes, 24);
  central.writeUInt16LE(name.length, 28);
  const centralOffset = local.length + name.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12);
  end.writeUInt32LE(centralOffset, 16);
  return { zip: Buffer.concat([local, name, data, central, name, end]), inflatedBytes };
}
