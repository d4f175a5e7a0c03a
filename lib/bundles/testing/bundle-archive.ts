import { randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import zlib from "node:zlib";
import tar, { type Header } from "tar-stream";

// Archives for the bundle tests, built in memory or as streams at run time.

export type FixtureEntry = {
  name: string;
  type?: Header["type"];
  content?: string | Buffer;
  /** Stream this many zero bytes as the content, never holding them. */
  zeros?: number;
  linkname?: string;
  /** Extra pax header records written before the entry. */
  pax?: Record<string, string>;
};

export type FieldValues = Partial<Record<"UNAME" | "VERSION" | "MAJOR" | "MINOR" | "DISTRO" | "BUILD_DIR" | "CHECKSUM", string | null>>;

const defaults: Required<FieldValues> = {
  UNAME: "5.4.0-1055-gcp",
  VERSION: "5",
  MAJOR: "4",
  MINOR: "0",
  DISTRO: "ubuntu",
  BUILD_DIR: ".",
  CHECKSUM: "3f8a1c0f2b6d4e5a9c7b1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a",
};

/** The BUNDLE_* files; a null value leaves the file out. */
export function fieldEntries(values: FieldValues = {}): FixtureEntry[] {
  const merged = { ...defaults, ...values };
  return Object.entries(merged)
    .filter((e): e is [string, string] => e[1] !== null)
    .map(([key, value]) => ({ name: `./BUNDLE_${key}`, content: value }));
}

/** A small header tree that inspects cleanly, plus whatever `extra` adds. */
export function validEntries(values: FieldValues = {}, extra: FixtureEntry[] = []): FixtureEntry[] {
  return [
    { name: "./", type: "directory" },
    ...fieldEntries(values),
    { name: "./Makefile", content: "VERSION = 5\nPATCHLEVEL = 4\n" },
    { name: "./include/", type: "directory" },
    { name: "./include/generated/", type: "directory" },
    { name: "./include/generated/utsrelease.h", content: `#define UTS_RELEASE "${values.UNAME ?? defaults.UNAME}"\n` },
    ...extra,
  ];
}

export function tarStream(entries: FixtureEntry[]): Readable {
  const pack = tar.pack();
  void (async () => {
    for (const entry of entries) await addEntry(pack, entry);
    pack.finalize();
  })().catch((error: unknown) => pack.destroy(error as Error));
  return pack as unknown as Readable;
}

export function gzipStream(entries: FixtureEntry[], level = 6): Readable {
  return gzipOf(tarStream(entries), level);
}

export function gzipOf(input: Readable | Buffer, level = 6): Readable {
  const gzip = zlib.createGzip({ level });
  if (Buffer.isBuffer(input)) {
    gzip.end(input);
  } else {
    input.on("error", (error) => gzip.destroy(error));
    input.pipe(gzip);
  }
  return gzip;
}

export async function bytesOf(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** Bytes handed out in small pieces, as a slow upload would. */
export async function* piecesOf(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

export function noise(size: number): Buffer {
  return randomBytes(size);
}

async function addEntry(pack: tar.Pack, entry: FixtureEntry): Promise<void> {
  const header = { name: entry.name, type: entry.type ?? "file", linkname: entry.linkname, mode: entry.type === "directory" ? 0o755 : 0o644, pax: entry.pax };
  await new Promise<void>((resolve, reject) => {
    const done = (error?: Error | null) => (error ? reject(error) : resolve());
    if (entry.zeros === undefined) {
      pack.entry(header, entry.content ?? "", done);
      return;
    }
    const sink = pack.entry({ ...header, size: entry.zeros }, done);
    void writeZeros(sink, entry.zeros).catch(reject);
  });
}

async function writeZeros(sink: ReturnType<tar.Pack["entry"]>, total: number): Promise<void> {
  const block = Buffer.alloc(64 * 1024);
  for (let left = total; left > 0; left -= block.length) {
    const piece = left >= block.length ? block : block.subarray(0, left);
    if (!sink.write(piece)) await new Promise<void>((resolve) => sink.once("drain", () => resolve()));
  }
  sink.end(undefined);
}
