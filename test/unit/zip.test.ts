import { Writable } from 'node:stream';
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openZip, streamSink, ZipError, ZipWriter, type ByteSink } from '../../src-main/io/zip';

/** Made by Python's zipfile: stored.txt (stored), dir/deflated.txt (deflated, with UTF-8 text), empty.txt. */
const PYTHON_ZIP = Buffer.from(
  'UEsDBBQAAAAAAIMYIlAZL8yyFAAAABQAAAAKAAAAc3RvcmVkLnR4dGhlbGxvLCBzdG9yZWQgd29ybGQKUEsDBBQAAAAIAIMYIlD0zgNHGwAAAC0CAA' +
    'AQAAAAZGlyL2RlZmxhdGVkLnR4dEtJTctJLElVyE1VSBlljjKxM5/sWPtsWjsXAFBLAwQUAAAACACDGCJQAAAAAAIAAAAAAAAACQAAAGVtcHR5LnR4' +
    'dAMAUEsBAhQDFAAAAAAAgxgiUBkvzLIUAAAAFAAAAAoAAAAAAAAAAAAAAIABAAAAAHN0b3JlZC50eHRQSwECFAMUAAAACACDGCJQ9M4DRxsAAAAtAg' +
    'AAEAAAAAAAAAAAAAAAgAE8AAAAZGlyL2RlZmxhdGVkLnR4dFBLAQIUAxQAAAAIAIMYIlAAAAAAAgAAAAAAAAAJAAAAAAAAAAAAAACAAYUAAABlbXB0' +
    'eS50eHRQSwUGAAAAAAMAAwCtAAAArgAAAAAA',
  'base64',
);
/** Made by Info-ZIP reading a pipe (`printf … | zip -fz- - -`): one stored entry named "-". */
const INFO_ZIP_PIPED = Buffer.from(
  'UEsDBAoAAAAAAKZqd12uJJJbGAAAABgAAAABAAAALXN0cmVhbWVkIHRocm91Z2ggYSBwaXBlClBLAQIeAwoAAAAAAKZqd12uJJJbGAAAABgAAAABAA' +
    'AAAAAAAAEAAACAEQAAAAAtUEsFBgAAAAABAAEALwAAADcAAAAAAA==',
  'base64',
);
/** Made by Info-ZIP reading a pipe without -fz-: a ZIP64 archive (ZIP64 end record and locator). */
const INFO_ZIP_ZIP64 = Buffer.from(
  'UEsDBC0AAAAAAKZqd12DFtyM//////////8BABQALQEAEAABAAAAAAAAAAEAAAAAAAAAeFBLAQIeAy0AAAAAAKZqd12DFtyMAQAAAAEAAAABAAAAAA' +
    'AAAAEAAACAEQAAAAAtUEsGBiwAAAAAAAAAHgMtAAAAAAAAAAAAAQAAAAAAAAABAAAAAAAAAC8AAAAAAAAANAAAAAAAAABQSwYHAAAAAGMAAAAAAAAA' +
    'AQAAAFBLBQYAAAAAAQABAC8AAAA0AAAAAAA=',
  'base64',
);

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

function errorOf(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

async function asyncErrorOf(action: () => Promise<unknown>): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

/** A sink that keeps everything, for archives built in memory. */
function memorySink(): { sink: ByteSink; bytes: () => Buffer } {
  const chunks: Uint8Array[] = [];
  return { sink: (chunk) => void chunks.push(Buffer.from(chunk)), bytes: () => Buffer.concat(chunks) };
}

/** Text that is neither trivial to compress nor random: several megabytes need several deflate blocks. */
function bulkText(lines: number): string {
  let result = '';
  for (let line = 0; line < lines; line++) result += `row ${line}: ${(line * 2654435761) % 4294967296} ünïcødé\n`;
  return result;
}

describe('openZip on archives made by other tools', () => {
  it('reads stored, deflated and empty entries from Python zipfile', async () => {
    const archive = openZip(PYTHON_ZIP);
    expect([...archive.entries.keys()]).toEqual(['stored.txt', 'dir/deflated.txt', 'empty.txt']);
    expect(text(archive.read('stored.txt'))).toBe('hello, stored world\n');
    expect(text(archive.read('dir/deflated.txt'))).toBe(`${'deflate me '.repeat(50)}中文\n`);
    expect(text(archive.read('empty.txt'))).toBe('');
    expect(text(await collect(archive.chunks('dir/deflated.txt')))).toBe(`${'deflate me '.repeat(50)}中文\n`);
  });

  it('reads an archive Info-ZIP wrote to a pipe', () => {
    expect(text(openZip(INFO_ZIP_PIPED).read('-'))).toBe('streamed through a pipe\n');
  });

  it('refuses a ZIP64 archive as unsupported, not as damaged', () => {
    const error = errorOf(() => openZip(INFO_ZIP_ZIP64));
    expect(error).toBeInstanceOf(ZipError);
    expect(error).toMatchObject({ code: 'unsupported', message: expect.stringContaining('ZIP64') });
  });
});

describe('openZip on damaged archives', () => {
  it('says the end is missing when the file is cut short, wherever it is cut', () => {
    for (let length = 0; length < PYTHON_ZIP.length; length += 7) {
      expect(errorOf(() => openZip(PYTHON_ZIP.subarray(0, length)))).toMatchObject({
        code: 'damaged',
        message: expect.stringContaining('end of the archive is missing'),
      });
    }
  });

  it('finds a flipped byte in stored data by its CRC-32', () => {
    const broken = Buffer.from(PYTHON_ZIP);
    broken.writeUInt8(broken.readUInt8(40) ^ 0x20, 40); // inside "hello, stored world"
    expect(errorOf(() => openZip(broken).read('stored.txt'))).toMatchObject({
      code: 'damaged',
      message: 'stored.txt fails its CRC-32 check',
    });
  });

  it('reports a broken deflate stream as damaged, read whole or in chunks', async () => {
    const broken = Buffer.from(PYTHON_ZIP);
    const offset = openZip(PYTHON_ZIP).entries.get('dir/deflated.txt')?.localHeaderOffset ?? 0;
    const dataStart = offset + 30 + 'dir/deflated.txt'.length;
    broken.fill(0xff, dataStart, dataStart + 8);
    const archive = openZip(broken);
    expect(errorOf(() => archive.read('dir/deflated.txt'))).toMatchObject({ code: 'damaged' });
    expect(await asyncErrorOf(() => collect(archive.chunks('dir/deflated.txt')))).toMatchObject({ code: 'damaged' });
  });

  it('refuses a central directory that points outside the file', () => {
    const broken = Buffer.from(PYTHON_ZIP);
    broken.writeUInt32LE(PYTHON_ZIP.length, PYTHON_ZIP.length - 6); // the directory's offset
    expect(errorOf(() => openZip(broken))).toMatchObject({
      code: 'damaged',
      message: 'the central directory points outside the file',
    });
  });

  it('refuses encrypted entries and unknown compression methods as unsupported', () => {
    const centralStart = PYTHON_ZIP.readUInt32LE(PYTHON_ZIP.length - 6);
    const encrypted = Buffer.from(PYTHON_ZIP);
    encrypted.writeUInt16LE(1, centralStart + 8);
    expect(errorOf(() => openZip(encrypted))).toMatchObject({
      code: 'unsupported',
      message: 'stored.txt is encrypted',
    });
    const bzip2 = Buffer.from(PYTHON_ZIP);
    bzip2.writeUInt16LE(12, centralStart + 10);
    const archive = openZip(bzip2);
    expect(errorOf(() => archive.read('stored.txt'))).toMatchObject({
      code: 'unsupported',
      message: 'stored.txt uses compression method 12, not stored or deflate',
    });
  });

  it('does not inflate past the size the header declares', async () => {
    const { sink, bytes } = memorySink();
    const writer = new ZipWriter(sink);
    await writer.addFile('big.txt', 'x'.repeat(100_000));
    await writer.finish();
    const lying = bytes();
    const centralStart = lying.readUInt32LE(lying.length - 6);
    lying.writeUInt32LE(1000, centralStart + 24); // uncompressed size
    const archive = openZip(lying);
    expect(errorOf(() => archive.read('big.txt'))).toMatchObject({ code: 'damaged' });
    expect(await asyncErrorOf(() => collect(archive.chunks('big.txt')))).toMatchObject({
      code: 'damaged',
      message: 'big.txt holds more data than its header says',
    });
  });

  it('names a missing entry', () => {
    expect(errorOf(() => openZip(PYTHON_ZIP).read('nope.txt'))).toMatchObject({
      message: 'The archive has no entry named nope.txt',
    });
  });
});

describe('ZipWriter', () => {
  it('writes whole and streamed entries that read back byte for byte', async () => {
    const { sink, bytes } = memorySink();
    const writer = new ZipWriter(sink);
    await writer.addFile('a.txt', 'first entry, deflated');
    await writer.addFile('b.bin', new Uint8Array([0, 1, 2, 255]), { store: true });
    const streamed = bulkText(120_000); // about 5 MB: several blocks
    const file = await writer.startFile('dir/streamed.txt');
    for (let at = 0; at < streamed.length; at += 50_000) await file.write(streamed.slice(at, at + 50_000));
    await file.close();
    await writer.addFile('after.txt', 'an entry after the streamed one');
    await writer.finish();

    const archive = openZip(bytes());
    expect([...archive.entries.keys()]).toEqual(['a.txt', 'b.bin', 'dir/streamed.txt', 'after.txt']);
    expect(text(archive.read('a.txt'))).toBe('first entry, deflated');
    expect([...archive.read('b.bin')]).toEqual([0, 1, 2, 255]);
    expect(text(archive.read('dir/streamed.txt'))).toBe(streamed);
    expect(text(await collect(archive.chunks('dir/streamed.txt')))).toBe(streamed);
    expect(text(archive.read('after.txt'))).toBe('an entry after the streamed one');
    expect(archive.entries.get('dir/streamed.txt')).toMatchObject({
      method: 8,
      uncompressedSize: Buffer.byteLength(streamed),
    });
  });

  it('puts sizes of a streamed entry in a data descriptor, as the local header promises', async () => {
    const { sink, bytes } = memorySink();
    const writer = new ZipWriter(sink);
    const file = await writer.startFile('s.txt');
    await file.write('streamed');
    await file.close();
    await writer.finish();
    const zip = bytes();
    expect(zip.readUInt32LE(0)).toBe(0x04034b50);
    expect(zip.readUInt16LE(6)).toBe(0x0808); // data descriptor, UTF-8 name
    expect(zip.readUInt32LE(14)).toBe(0); // CRC-32 deferred
    const dataStart = 30 + 's.txt'.length;
    const compressedSize = openZip(zip).entries.get('s.txt')?.compressedSize ?? 0;
    expect(text(inflateRawSync(zip.subarray(dataStart, dataStart + compressedSize)))).toBe('streamed');
    const descriptor = zip.subarray(dataStart + compressedSize, dataStart + compressedSize + 16);
    expect(descriptor.readUInt32LE(0)).toBe(0x08074b50);
    expect(descriptor.readUInt32LE(12)).toBe(8);
  });

  it('gives the same bytes for the same content', async () => {
    const build = async () => {
      const { sink, bytes } = memorySink();
      const writer = new ZipWriter(sink);
      await writer.addFile('x.txt', 'same');
      const file = await writer.startFile('y.txt');
      await file.write(bulkText(40_000));
      await file.close();
      await writer.finish();
      return bytes();
    };
    expect((await build()).equals(await build())).toBe(true);
  });

  it('waits for a slow sink and keeps the data in order', async () => {
    const received: Buffer[] = [];
    let pendingSinks = 0;
    let mostPending = 0;
    const slowSink: ByteSink = async (chunk) => {
      pendingSinks++;
      mostPending = Math.max(mostPending, pendingSinks);
      await new Promise((resolve) => setTimeout(resolve, 1));
      received.push(Buffer.from(chunk));
      pendingSinks--;
    };
    const writer = new ZipWriter(slowSink);
    const content = bulkText(100_000);
    const file = await writer.startFile('slow.txt');
    for (let at = 0; at < content.length; at += 64_000) await file.write(content.slice(at, at + 64_000));
    await file.close();
    await writer.finish();
    expect(mostPending).toBe(1);
    expect(text(openZip(Buffer.concat(received)).read('slow.txt'))).toBe(content);
  });

  it('refuses to start an entry while another is open, or to finish early', async () => {
    const writer = new ZipWriter(() => undefined);
    const file = await writer.startFile('open.txt');
    await expect(writer.addFile('other.txt', 'x')).rejects.toThrow('while another entry is still being written');
    await expect(writer.finish()).rejects.toThrow('still being written');
    await file.close();
    await writer.finish();
    await expect(writer.addFile('late.txt', 'x')).rejects.toThrow('the archive is finished');
  });
});

describe('streamSink', () => {
  it('waits for drain on a stream that asks for it', async () => {
    const chunks: Buffer[] = [];
    const stream = new Writable({
      highWaterMark: 16,
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk);
        setTimeout(callback, 1);
      },
    });
    const sink = streamSink(stream);
    const first = sink(Buffer.alloc(64, 1));
    expect(first).toBeInstanceOf(Promise);
    await first;
    await sink(Buffer.alloc(8, 2));
    expect(Buffer.concat(chunks).length).toBe(72);
  });

  it('rejects instead of hanging when the stream fails', async () => {
    const stream = new Writable({
      highWaterMark: 1,
      write(_chunk, _encoding, callback) {
        callback(new Error('disk full'));
      },
    });
    const sink = streamSink(stream);
    await expect(Promise.resolve(sink(Buffer.alloc(10)))).rejects.toThrow('disk full');
    await expect(Promise.resolve().then(() => sink(Buffer.alloc(10)))).rejects.toThrow('disk full');
  });
});
