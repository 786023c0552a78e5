/**
 * ZIP archives, the container of .xlsx files, read and written with nothing but node:zlib.
 *
 * Reading works on the bytes of a whole archive: the central directory is the index (it is authoritative; local
 * headers may leave sizes to a data descriptor), entries are stored or deflated, and every entry is checked
 * against its CRC-32 and size. ZIP64, split archives, encryption and exotic compression methods are refused
 * with a `ZipError` of code 'unsupported'; anything cut short or inconsistent is a `ZipError` of code 'damaged'.
 *
 * Writing streams: an entry can be written without knowing its size (sizes and CRC follow the data in a data
 * descriptor), so memory stays bounded however large the entry. ZIP64 is not written: an entry or archive that
 * would pass 4 GiB fails with a clear error instead of producing a file that readers would misread.
 */
import { Readable, type Writable } from 'node:stream';
import { promisify } from 'node:util';
import { constants, crc32, createInflateRaw, deflateRaw, inflateRawSync } from 'node:zlib';

export class ZipError extends Error {
  /** 'damaged': cut short or inconsistent. 'unsupported': valid, but uses a ZIP feature this code does not read. */
  readonly code: 'damaged' | 'unsupported';

  constructor(code: 'damaged' | 'unsupported', message: string) {
    super(message);
    this.name = 'ZipError';
    this.code = code;
  }
}

const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const CENTRAL_HEADER_SIGNATURE = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const DATA_DESCRIPTOR_SIGNATURE = 0x08074b50;
const LOCAL_HEADER_SIZE = 30;
const CENTRAL_HEADER_SIZE = 46;
const END_OF_CENTRAL_DIRECTORY_SIZE = 22;
const ZIP64_LOCATOR_SIZE = 20;
const MAX_COMMENT_SIZE = 0xffff;
const FLAG_ENCRYPTED = 0x0001;
const FLAG_DATA_DESCRIPTOR = 0x0008;
const FLAG_UTF8_NAME = 0x0800;
const METHOD_STORED = 0;
const METHOD_DEFLATED = 8;
/** Version 2.0: deflate and data descriptors, nothing newer. */
const VERSION_NEEDED = 20;
const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;

export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly localHeaderOffset: number;
}

// ─── Reading ────────────────────────────────────────────────────────────────────────────────────────────────

/** Indexes an archive from its central directory; entries are decompressed only when asked for. */
export function openZip(bytes: Uint8Array): ZipArchive {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = findEndOfCentralDirectory(view);
  if (end >= ZIP64_LOCATOR_SIZE && view.getUint32(end - ZIP64_LOCATOR_SIZE, true) === ZIP64_LOCATOR_SIGNATURE) {
    throw zip64Refusal();
  }
  const disk = view.getUint16(end + 4, true);
  const directoryDisk = view.getUint16(end + 6, true);
  if (disk !== 0 || directoryDisk !== 0) {
    throw new ZipError('unsupported', 'the archive is split across several files');
  }
  const count = view.getUint16(end + 10, true);
  const directorySize = view.getUint32(end + 12, true);
  const directoryOffset = view.getUint32(end + 16, true);
  if (count === U16_MAX || directorySize === U32_MAX || directoryOffset === U32_MAX) throw zip64Refusal();
  if (directoryOffset + directorySize > end) {
    throw new ZipError('damaged', 'the central directory points outside the file');
  }
  return new ZipArchive(bytes, readCentralDirectory(bytes, view, directoryOffset, count));
}

function findEndOfCentralDirectory(view: DataView): number {
  const lowest = Math.max(0, view.byteLength - END_OF_CENTRAL_DIRECTORY_SIZE - MAX_COMMENT_SIZE);
  for (let at = view.byteLength - END_OF_CENTRAL_DIRECTORY_SIZE; at >= lowest; at--) {
    if (view.getUint32(at, true) !== END_OF_CENTRAL_DIRECTORY_SIGNATURE) continue;
    // A comment that runs past the end means these four bytes only look like the signature.
    if (at + END_OF_CENTRAL_DIRECTORY_SIZE + view.getUint16(at + 20, true) <= view.byteLength) return at;
  }
  throw new ZipError('damaged', 'the end of the archive is missing; the file was probably cut short');
}

function readCentralDirectory(bytes: Uint8Array, view: DataView, offset: number, count: number) {
  const names = new TextDecoder('utf-8');
  const entries = new Map<string, ZipEntry>();
  let at = offset;
  for (let index = 0; index < count; index++) {
    if (at + CENTRAL_HEADER_SIZE > view.byteLength || view.getUint32(at, true) !== CENTRAL_HEADER_SIGNATURE) {
      throw new ZipError('damaged', `the central directory is broken at entry ${index + 1} of ${count}`);
    }
    const flags = view.getUint16(at + 8, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const entry: ZipEntry = {
      // Names are read as UTF-8 whether or not the flag says so: OOXML part names are ASCII.
      name: names.decode(bytes.subarray(at + CENTRAL_HEADER_SIZE, at + CENTRAL_HEADER_SIZE + nameLength)),
      method: view.getUint16(at + 10, true),
      crc32: view.getUint32(at + 16, true),
      compressedSize: view.getUint32(at + 20, true),
      uncompressedSize: view.getUint32(at + 24, true),
      localHeaderOffset: view.getUint32(at + 42, true),
    };
    if (entry.compressedSize === U32_MAX || entry.uncompressedSize === U32_MAX || entry.localHeaderOffset === U32_MAX) {
      throw zip64Refusal();
    }
    if (flags & FLAG_ENCRYPTED) throw new ZipError('unsupported', `${entry.name} is encrypted`);
    if (!entries.has(entry.name)) entries.set(entry.name, entry);
    at += CENTRAL_HEADER_SIZE + nameLength + extraLength + commentLength;
  }
  return entries;
}

function zip64Refusal(): ZipError {
  return new ZipError('unsupported', 'it is a ZIP64 archive (the format for archives over 4 GB)');
}

export class ZipArchive {
  private readonly bytes: Uint8Array;
  readonly entries: ReadonlyMap<string, ZipEntry>;

  constructor(bytes: Uint8Array, entries: ReadonlyMap<string, ZipEntry>) {
    this.bytes = bytes;
    this.entries = entries;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The whole entry, decompressed and checked. For small entries; large ones are better read with `chunks`. */
  read(name: string): Uint8Array {
    const entry = this.entry(name);
    const data = this.compressedData(entry);
    let content: Uint8Array;
    if (entry.method === METHOD_STORED) {
      content = data;
    } else {
      try {
        // The declared size caps the output, so a lying header cannot make this allocate without bound.
        content = inflateRawSync(data, { maxOutputLength: Math.max(1, entry.uncompressedSize) });
      } catch (error) {
        throw new ZipError('damaged', `${name} cannot be decompressed (${messageOf(error)})`);
      }
    }
    checkIntegrity(entry, content.length, crc32(content));
    return content;
  }

  /**
   * The entry decompressed in chunks of at most 64 KiB, so memory holds one chunk, not the whole entry. The
   * CRC-32 is checked after the last chunk: a consumer that must not act on damaged data should be able to undo
   * what it did with the earlier chunks (the importer's transaction does).
   */
  async *chunks(name: string): AsyncGenerator<Uint8Array> {
    const entry = this.entry(name);
    const data = this.compressedData(entry);
    const source = entry.method === METHOD_STORED ? slices(data, CHUNK_SIZE) : inflateInChunks(data);
    let size = 0;
    let checksum = 0;
    try {
      for await (const chunk of source) {
        size += chunk.length;
        if (size > entry.uncompressedSize) {
          throw new ZipError('damaged', `${name} holds more data than its header says`);
        }
        checksum = crc32(chunk, checksum);
        yield chunk;
      }
    } catch (error) {
      if (error instanceof ZipError) throw error;
      throw new ZipError('damaged', `${name} cannot be decompressed (${messageOf(error)})`);
    }
    checkIntegrity(entry, size, checksum);
  }

  private entry(name: string): ZipEntry {
    const entry = this.entries.get(name);
    if (!entry) throw new Error(`The archive has no entry named ${name}`);
    if (entry.method !== METHOD_STORED && entry.method !== METHOD_DEFLATED) {
      throw new ZipError('unsupported', `${name} uses compression method ${entry.method}, not stored or deflate`);
    }
    return entry;
  }

  private compressedData(entry: ZipEntry): Uint8Array {
    const at = entry.localHeaderOffset;
    if (at + LOCAL_HEADER_SIZE > this.bytes.length) throw cutShort(entry.name);
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + at, LOCAL_HEADER_SIZE);
    if (view.getUint32(0, true) !== LOCAL_HEADER_SIGNATURE) {
      throw new ZipError('damaged', `${entry.name} is not where the central directory says it is`);
    }
    // The local extra field may differ in length from the central one, so the data starts where this one ends.
    const start = at + LOCAL_HEADER_SIZE + view.getUint16(26, true) + view.getUint16(28, true);
    const end = start + entry.compressedSize;
    if (end > this.bytes.length) throw cutShort(entry.name);
    return this.bytes.subarray(start, end);
  }
}

const CHUNK_SIZE = 64 * 1024;

function* slices(data: Uint8Array, size: number): Generator<Uint8Array> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

function inflateInChunks(data: Uint8Array): AsyncIterable<Uint8Array> {
  const inflater = createInflateRaw({ chunkSize: CHUNK_SIZE });
  // Fed in slices through a pipe so that inflating waits for the consumer rather than racing ahead of it.
  Readable.from(slices(data, 4 * CHUNK_SIZE)).pipe(inflater);
  return inflater;
}

function checkIntegrity(entry: ZipEntry, size: number, checksum: number): void {
  if (size !== entry.uncompressedSize) {
    throw new ZipError('damaged', `${entry.name} is ${size} bytes long instead of ${entry.uncompressedSize}`);
  }
  if (checksum !== entry.crc32) throw new ZipError('damaged', `${entry.name} fails its CRC-32 check`);
}

function cutShort(name: string): ZipError {
  return new ZipError('damaged', `${name} is cut off; the file was probably cut short`);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// ─── Writing ────────────────────────────────────────────────────────────────────────────────────────────────

/** Where written bytes go. A returned promise is backpressure: nothing more is written until it settles. */
export type ByteSink = (chunk: Uint8Array) => void | Promise<void>;

/** A sink that writes to a Node stream, waits for 'drain' when the stream asks, and surfaces its errors. */
export function streamSink(stream: Writable): ByteSink {
  let failure: unknown;
  stream.on('error', (error) => {
    failure ??= error;
  });
  return (chunk) => {
    if (failure !== undefined) throw failure;
    if (stream.write(chunk)) return undefined;
    return new Promise<void>((resolve, reject) => {
      const settle = (error?: unknown) => {
        stream.off('drain', onDrain).off('error', onError).off('close', onClose);
        if (error === undefined) resolve();
        else reject(error);
      };
      const onDrain = () => settle();
      const onError = (error: unknown) => settle(error);
      // A destroyed stream never drains; without this the writer would wait forever.
      const onClose = () => settle(failure ?? new Error('The output was closed before the archive was complete'));
      stream.on('drain', onDrain).on('error', onError).on('close', onClose);
    });
  };
}

export interface ZipWriterOptions {
  /** zlib level, 0–9; 6 unless given. */
  level?: number;
  /**
   * The modification time recorded for every entry. A fixed default (1980-01-01, the earliest ZIP can say)
   * makes the same content give the same bytes, so an export can be re-created and its hash compared.
   */
  modified?: Date;
}

interface CentralRecord {
  nameBytes: Uint8Array;
  flags: number;
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

const deflateRawAsync = promisify(deflateRaw);
/**
 * Compressed independently, blocks can be deflated on the thread pool while the caller produces the next one.
 * A block is compressed once this much is pending; blocks this large compress within 0.1% of one stream.
 */
const BLOCK_SIZE = 512 * 1024;
const BLOCKS_IN_FLIGHT = 2;

/** Writes entries one after the other to a sink; `finish` writes the central directory. */
export class ZipWriter {
  private readonly sink: ByteSink;
  private readonly level: number;
  private readonly dosTime: number;
  private readonly dosDate: number;
  private readonly central: CentralRecord[] = [];
  private offset = 0;
  private busy = false;
  private finished = false;

  constructor(sink: ByteSink, options: ZipWriterOptions = {}) {
    this.sink = sink;
    this.level = options.level ?? constants.Z_DEFAULT_COMPRESSION;
    [this.dosTime, this.dosDate] = dosDateTime(options.modified ?? new Date(Date.UTC(1980, 0, 1)));
  }

  /** Adds an entry whose whole content is at hand; `store` keeps it uncompressed. */
  async addFile(name: string, content: Uint8Array | string, options: { store?: boolean } = {}): Promise<void> {
    this.claim(name);
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const method = options.store ? METHOD_STORED : METHOD_DEFLATED;
    const body = options.store ? data : await deflateRawAsync(data, { level: this.level });
    const record = this.record(name, 0, method, crc32(data), body.length, data.length);
    await this.emit(localHeader(record, this.dosTime, this.dosDate));
    await this.emit(body);
    this.busy = false;
  }

  /**
   * Starts a deflated entry whose size is not known yet. Write its content in order, awaiting each write, then
   * close it; no other entry can be added until then.
   */
  async startFile(name: string): Promise<ZipFileStream> {
    this.claim(name);
    const record = this.record(name, FLAG_DATA_DESCRIPTOR, METHOD_DEFLATED, 0, 0, 0);
    await this.emit(localHeader(record, this.dosTime, this.dosDate));
    return new ZipFileStream(
      this.level,
      (chunk) => this.emit(chunk),
      async (checksum, compressed, size) => {
        record.crc32 = checksum;
        record.compressedSize = compressed;
        record.uncompressedSize = size;
        checkSizes(name, compressed, size);
        await this.emit(dataDescriptor(record));
        this.busy = false;
      },
    );
  }

  /** Writes the central directory. The sink has then received the whole archive. */
  async finish(): Promise<void> {
    if (this.busy) throw new Error('ZipWriter.finish was called while an entry was still being written');
    if (this.finished) throw new Error('ZipWriter.finish was called twice');
    this.finished = true;
    const directoryOffset = this.offset;
    if (directoryOffset >= U32_MAX) throw this.tooLarge('the archive');
    for (const record of this.central) await this.emit(centralHeader(record, this.dosTime, this.dosDate));
    const directorySize = this.offset - directoryOffset;
    await this.emit(endOfCentralDirectory(this.central.length, directorySize, directoryOffset));
  }

  private claim(name: string): void {
    if (this.finished) throw new Error(`Cannot add ${name}: the archive is finished`);
    if (this.busy) throw new Error(`Cannot add ${name} while another entry is still being written`);
    if (this.central.length === U16_MAX - 1) throw new ZipError('unsupported', 'too many entries without ZIP64');
    this.busy = true;
  }

  private record(name: string, flags: number, method: number, checksum: number, compressed: number, size: number) {
    checkSizes(name, compressed, size);
    if (this.offset >= U32_MAX) throw this.tooLarge(name);
    const record: CentralRecord = {
      nameBytes: Buffer.from(name, 'utf8'),
      flags: flags | FLAG_UTF8_NAME,
      method,
      crc32: checksum,
      compressedSize: compressed,
      uncompressedSize: size,
      localHeaderOffset: this.offset,
    };
    this.central.push(record);
    return record;
  }

  private tooLarge(what: string): ZipError {
    return new ZipError('unsupported', `${what} would pass 4 GiB, which needs ZIP64 (not written)`);
  }

  private async emit(chunk: Uint8Array): Promise<void> {
    this.offset += chunk.length;
    await this.sink(chunk);
  }
}

/** One deflated entry being written; made by `ZipWriter.startFile`. */
export class ZipFileStream {
  private readonly level: number;
  private readonly emit: (chunk: Uint8Array) => Promise<void>;
  private readonly onClose: (checksum: number, compressed: number, size: number) => Promise<void>;
  private pending: Uint8Array[] = [];
  private pendingSize = 0;
  private readonly inFlight: Promise<Uint8Array>[] = [];
  private checksum = 0;
  private size = 0;
  private compressedSize = 0;
  private writing = false;
  private closed = false;

  constructor(
    level: number,
    emit: (chunk: Uint8Array) => Promise<void>,
    onClose: (checksum: number, compressed: number, size: number) => Promise<void>,
  ) {
    this.level = level;
    this.emit = emit;
    this.onClose = onClose;
  }

  /** Adds content. A chunk is compressed later on another thread, so it must not be changed once written. */
  async write(content: Uint8Array | string): Promise<void> {
    if (this.closed) throw new Error('ZipFileStream.write was called after close()');
    // Blocks must reach the sink in order, which overlapping writes could not promise.
    if (this.writing) throw new Error('ZipFileStream.write was called before the previous write settled');
    const chunk = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    this.checksum = crc32(chunk, this.checksum);
    this.size += chunk.length;
    this.pending.push(chunk);
    this.pendingSize += chunk.length;
    if (this.pendingSize < BLOCK_SIZE) return;
    this.compressPending(constants.Z_SYNC_FLUSH);
    if (this.inFlight.length <= BLOCKS_IN_FLIGHT) return;
    this.writing = true;
    try {
      await this.emitOldestBlock();
    } finally {
      this.writing = false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) throw new Error('ZipFileStream.close was called twice');
    if (this.writing) throw new Error('ZipFileStream.close was called before the last write settled');
    this.closed = true;
    this.compressPending(constants.Z_FINISH);
    while (this.inFlight.length > 0) await this.emitOldestBlock();
    await this.onClose(this.checksum, this.compressedSize, this.size);
  }

  /**
   * A sync flush ends a block on a byte boundary without ending the stream, so independently deflated blocks
   * concatenate into one valid deflate stream; only the last one, flushed with Z_FINISH, is marked final.
   */
  private compressPending(flush: number): void {
    const [first] = this.pending;
    const block = this.pending.length === 1 && first ? first : Buffer.concat(this.pending, this.pendingSize);
    this.pending = [];
    this.pendingSize = 0;
    // An output buffer as large as the input takes a block's result in one piece rather than 16 KiB at a time.
    const chunkSize = Math.max(constants.Z_MIN_CHUNK, block.length);
    const compressed = deflateRawAsync(block, { level: this.level, finishFlush: flush, chunkSize });
    // Awaited in order later; this keeps a failure from being reported as unhandled in the meantime.
    compressed.catch(() => undefined);
    this.inFlight.push(compressed);
  }

  private async emitOldestBlock(): Promise<void> {
    const block = await this.inFlight.shift();
    if (!block) return;
    this.compressedSize += block.length;
    await this.emit(block);
  }
}

function checkSizes(name: string, compressed: number, size: number): void {
  if (compressed >= U32_MAX || size >= U32_MAX) {
    throw new ZipError('unsupported', `${name} would pass 4 GiB, which needs ZIP64 (not written)`);
  }
}

function dosDateTime(date: Date): [time: number, date: number] {
  const year = Math.min(Math.max(date.getUTCFullYear(), 1980), 2107);
  return [
    (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | (date.getUTCSeconds() >> 1),
    ((year - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate(),
  ];
}

function localHeader(record: CentralRecord, time: number, date: number): Buffer {
  const header = Buffer.alloc(LOCAL_HEADER_SIZE + record.nameBytes.length);
  header.writeUInt32LE(LOCAL_HEADER_SIGNATURE, 0);
  header.writeUInt16LE(VERSION_NEEDED, 4);
  header.writeUInt16LE(record.flags, 6);
  header.writeUInt16LE(record.method, 8);
  header.writeUInt16LE(time, 10);
  header.writeUInt16LE(date, 12);
  // With a data descriptor these three stay zero here and follow the data instead.
  header.writeUInt32LE(record.crc32, 14);
  header.writeUInt32LE(record.compressedSize, 18);
  header.writeUInt32LE(record.uncompressedSize, 22);
  header.writeUInt16LE(record.nameBytes.length, 26);
  header.writeUInt16LE(0, 28);
  header.set(record.nameBytes, LOCAL_HEADER_SIZE);
  return header;
}

function dataDescriptor(record: CentralRecord): Buffer {
  const descriptor = Buffer.alloc(16);
  descriptor.writeUInt32LE(DATA_DESCRIPTOR_SIGNATURE, 0);
  descriptor.writeUInt32LE(record.crc32, 4);
  descriptor.writeUInt32LE(record.compressedSize, 8);
  descriptor.writeUInt32LE(record.uncompressedSize, 12);
  return descriptor;
}

function centralHeader(record: CentralRecord, time: number, date: number): Buffer {
  const header = Buffer.alloc(CENTRAL_HEADER_SIZE + record.nameBytes.length);
  header.writeUInt32LE(CENTRAL_HEADER_SIGNATURE, 0);
  header.writeUInt16LE(VERSION_NEEDED, 4);
  header.writeUInt16LE(VERSION_NEEDED, 6);
  header.writeUInt16LE(record.flags, 8);
  header.writeUInt16LE(record.method, 10);
  header.writeUInt16LE(time, 12);
  header.writeUInt16LE(date, 14);
  header.writeUInt32LE(record.crc32, 16);
  header.writeUInt32LE(record.compressedSize, 20);
  header.writeUInt32LE(record.uncompressedSize, 24);
  header.writeUInt16LE(record.nameBytes.length, 28);
  header.writeUInt32LE(record.localHeaderOffset, 42);
  header.set(record.nameBytes, CENTRAL_HEADER_SIZE);
  return header;
}

function endOfCentralDirectory(count: number, size: number, offset: number): Buffer {
  const record = Buffer.alloc(END_OF_CENTRAL_DIRECTORY_SIZE);
  record.writeUInt32LE(END_OF_CENTRAL_DIRECTORY_SIGNATURE, 0);
  record.writeUInt16LE(count, 8);
  record.writeUInt16LE(count, 10);
  record.writeUInt32LE(size, 12);
  record.writeUInt32LE(offset, 16);
  return record;
}
