import fs from "node:fs";
import * as grpc from "@grpc/grpc-js";
import type { ContextTree, FileSource } from "./context-tree";
import { decodePacket, encodePacket, PacketType, type Packet } from "./fsutil-packet";
import { walkTree, type WalkFilters } from "./tree-walk";

export const DIFF_COPY = "/moby.filesync.v1.FileSync/DiffCopy";

/** BuildKit's FileSync service, DiffCopy only: what an engine calls to fetch a build's local files. */
export const fileSyncService: grpc.ServiceDefinition = {
  DiffCopy: {
    path: DIFF_COPY,
    requestStream: true,
    responseStream: true,
    requestSerialize: encodePacket,
    requestDeserialize: decodePacket,
    responseSerialize: encodePacket,
    responseDeserialize: decodePacket,
  },
};

/** Bytes of a file per DATA packet: fsutil sends 32 KiB; fewer, larger packets cost less on both sides. */
const DATA_CHUNK = 256 * 1024;
/** Files up to this size are read whole, in place: a read handed to the thread pool costs more than the read. */
const SMALL_FILE = 256 * 1024;

export type SentFiles = { files: number; bytes: number };

/** Told when a transfer waits for the engine to take more, and when it may go on. */
export type TransferFlow = { waiting(): void; moving(): void };

/**
 * fsutil's sender: the stat of every entry the engine's patterns let
 * through, in walk order, then an empty stat; the bytes of each file the
 * engine asks for (it asks only for what changed since the files it kept
 * from the last build under the same shared key); FIN answers its FIN.
 */
export function serveDiffCopy(call: grpc.ServerDuplexStream<Packet, Packet>, trees: ReadonlyMap<string, ContextTree>, flow: TransferFlow, onSent?: (sent: SentFiles) => void) {
  const dirName = call.metadata.get("dir-name")[0]?.toString() ?? "";
  const tree = trees.get(dirName);
  if (!tree) {
    call.emit("error", { code: grpc.status.NOT_FOUND, details: `no access allowed to dir "${dirName}"` });
    return;
  }
  const filters: WalkFilters = {
    includePatterns: values(call.metadata, "include-patterns"),
    excludePatterns: values(call.metadata, "exclude-patterns"),
    followPaths: values(call.metadata, "followpaths"),
  };
  let over = false;
  call.on("cancelled", () => (over = true));
  const sent: SentFiles = { files: 0, bytes: 0 };

  const write = async (packet: Packet) => {
    if (over) throw new Error("the engine ended the transfer");
    if (call.write(packet)) return;
    flow.waiting();
    try {
      await drained(call);
    } finally {
      flow.moving();
    }
  };
  const fail = (error: unknown) => {
    if (over) return;
    over = true;
    const message = error instanceof Error ? error.message : String(error);
    call.write({ type: PacketType.ERR, data: Buffer.from(message) });
    call.emit("error", { code: grpc.status.UNKNOWN, details: message });
  };

  const sources = new Map<number, FileSource>();
  const requested: number[] = [];
  let sending: Promise<void> | null = null;
  const sendRequested = async () => {
    for (let id = requested.shift(); id !== undefined; id = requested.shift()) {
      const source = sources.get(id);
      if (!source) throw new Error(`the engine asked for file ${id}, which is not a file of this transfer`);
      sources.delete(id);
      sent.files++;
      sent.bytes += await sendFile(source, (data) => write({ type: PacketType.DATA, id, data }));
      await write({ type: PacketType.DATA, id });
    }
  };

  // One file at a time, in the order asked; a request that comes as the last one ends starts the next round.
  const pump = () => {
    sending ??= sendRequested()
      .catch(fail)
      .finally(() => {
        sending = null;
        if (requested.length && !over) pump();
      });
  };

  call.on("data", (packet: Packet) => {
    if (packet.type === PacketType.REQ) {
      requested.push(packet.id ?? 0);
      pump();
    } else if (packet.type === PacketType.FIN) {
      void (sending ?? Promise.resolve()).then(() => {
        if (over) return;
        over = true;
        call.write({ type: PacketType.FIN });
        call.end();
        onSent?.(sent);
      });
    } else if (packet.type === PacketType.ERR) {
      fail(new Error(`the engine could not take the files: ${Buffer.from(packet.data ?? []).toString()}`));
    }
  });
  call.on("error", () => (over = true));

  let id = 0;
  walkTree(tree, filters, async (entry) => {
    if (entry.source) sources.set(id, entry.source);
    id++;
    await write({ type: PacketType.STAT, stat: entry.stat });
  })
    .then(() => write({ type: PacketType.STAT }))
    .catch(fail);
}

/**
 * A list the engine sends as one header field per value. Node's HTTP/2 joins
 * repeated fields with ", ", so the values are split there again; a pattern
 * that itself holds ", " cannot be told apart, and is split too.
 */
/** Resolves when the call takes more, or ends (the next write then says so). */
function drained(call: grpc.ServerDuplexStream<Packet, Packet>) {
  return new Promise<void>((resolve) => {
    const done = () => {
      for (const event of ENDS) call.off(event, done);
      resolve();
    };
    for (const event of ENDS) call.on(event, done);
  });
}
const ENDS = ["drain", "cancelled", "close", "error"] as const;

function values(metadata: grpc.Metadata, key: string): string[] | undefined {
  const found = metadata.get(key).flatMap((value) => String(value).split(", "));
  return found.length ? found : undefined;
}

/** Sends a file's bytes in chunks and returns how many went. */
async function sendFile(source: FileSource, send: (data: Buffer) => Promise<void>): Promise<number> {
  if ("content" in source) {
    for (let at = 0; at < source.content.length; at += DATA_CHUNK) await send(source.content.subarray(at, at + DATA_CHUNK));
    return source.content.length;
  }
  const size = fs.statSync(source.disk).size;
  if (size <= SMALL_FILE) {
    const bytes = fs.readFileSync(source.disk);
    if (bytes.length) await send(bytes);
    return bytes.length;
  }
  let total = 0;
  for await (const chunk of fs.createReadStream(source.disk, { highWaterMark: DATA_CHUNK })) {
    total += (chunk as Buffer).length;
    await send(chunk as Buffer);
  }
  return total;
}
