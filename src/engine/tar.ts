// A minimal ustar writer: enough to copy generated files (secrets and configs given as
// content) into a container through the archive API, without a dependency.

export interface TarEntry {
  path: string;
  content: Buffer;
  mode: number;
  uid?: number;
  gid?: number;
  /** Default: the epoch. The archive keeps whole seconds. */
  mtime?: Date;
}

export function tarArchive(entries: TarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const name = entry.path.replace(/^\/+/, '');
    if (Buffer.byteLength(name) > 100) throw new Error(`path too long for the archive: ${entry.path}`);
    const header = Buffer.alloc(512);
    header.write(name, 0, 100, 'utf8');
    octal(header, 100, 8, entry.mode & 0o7777);
    octal(header, 108, 8, entry.uid ?? 0);
    octal(header, 116, 8, entry.gid ?? 0);
    octal(header, 124, 12, entry.content.length);
    octal(header, 136, 12, Math.floor((entry.mtime?.getTime() ?? 0) / 1000));
    header.fill(' ', 148, 156);
    header.write('0', 156);
    header.write('ustar\u000000', 257, 8, 'binary');
    let sum = 0;
    for (const byte of header) sum += byte;
    octal(header, 148, 8, sum);
    blocks.push(header, entry.content, Buffer.alloc((512 - (entry.content.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

function octal(buf: Buffer, offset: number, length: number, value: number): void {
  buf.write(value.toString(8).padStart(length - 1, '0') + '\u0000', offset, length, 'binary');
}
