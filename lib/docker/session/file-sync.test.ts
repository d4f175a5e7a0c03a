import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ContextTree } from "./context-tree";
import { fileSyncService, serveDiffCopy } from "./file-sync";
import { PacketType, type Packet } from "./fsutil-packet";

// kobuild's DiffCopy over real gRPC on loopback, asked by a client that
// plays the engine: what it answers to a proper transfer, and to requests
// no engine should make.

let root = "";
let server: grpc.Server;
let client: grpc.Client & { DiffCopy: (metadata: grpc.Metadata) => grpc.ClientDuplexStream<Packet, Packet> };

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "kobuild-file-sync-"));
  fs.mkdirSync(path.join(root, "dir"));
  fs.writeFileSync(path.join(root, "dir", "big.bin"), Buffer.alloc(600 * 1024, 3));
  fs.writeFileSync(path.join(root, "small.txt"), "small\n");
  const trees = new Map<string, ContextTree>([["context", { entries: [{ name: "ctx", followed: root }] }]]);
  server = new grpc.Server();
  server.addService(fileSyncService, { DiffCopy: (call: grpc.ServerDuplexStream<Packet, Packet>) => serveDiffCopy(call, trees, { waiting() {}, moving() {} }) });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  const Client = grpc.makeGenericClientConstructor(fileSyncService, "FileSync") as unknown as new (address: string, credentials: grpc.ChannelCredentials) => typeof client;
  client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
});

afterAll(() => {
  client?.close();
  server?.forceShutdown();
  fs.rmSync(root, { recursive: true, force: true });
});

function metadataOf(values: Record<string, string>) {
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(values)) metadata.add(key, value);
  return metadata;
}

/** What the call sent before it ended, and how it ended. */
function collect(call: grpc.ClientDuplexStream<Packet, Packet>, onPacket: (packet: Packet) => void = () => undefined) {
  const packets: Packet[] = [];
  return new Promise<{ packets: Packet[]; error: grpc.ServiceError | null }>((resolve) => {
    call.on("data", (packet: Packet) => {
      packets.push(packet);
      onPacket(packet);
    });
    call.on("error", (error: grpc.ServiceError) => resolve({ packets, error }));
    call.on("end", () => resolve({ packets, error: null }));
  });
}

describe("DiffCopy", () => {
  it("sends the stats, then each file asked for in chunks ending with an empty one, and answers FIN with FIN", async () => {
    const call = client.DiffCopy(metadataOf({ "dir-name": "context" }));
    const ids = new Map<string, number>();
    let stats = 0;
    const done = collect(call, (packet) => {
      if (packet.type !== PacketType.STAT) return;
      if (!packet.stat) {
        call.write({ type: PacketType.REQ, id: ids.get("ctx/dir/big.bin") });
        call.write({ type: PacketType.REQ, id: ids.get("ctx/small.txt") });
        return;
      }
      ids.set(packet.stat.path, stats++);
    });
    const ended = new Set<number>();
    call.on("data", (packet: Packet) => {
      if (packet.type === PacketType.DATA && !packet.data?.length) ended.add(packet.id ?? 0);
      if (ended.size === 2 && packet.type === PacketType.DATA) call.write({ type: PacketType.FIN });
      if (packet.type === PacketType.FIN) call.end();
    });
    const { packets, error } = await done;
    expect(error).toBeNull();
    expect([...ids.keys()]).toEqual(["ctx", "ctx/dir", "ctx/dir/big.bin", "ctx/small.txt"]);
    const bytesOf = (id: number) => Buffer.concat(packets.filter((p) => p.type === PacketType.DATA && p.id === id && p.data).map((p) => Buffer.from(p.data!)));
    expect(bytesOf(ids.get("ctx/dir/big.bin")!).equals(Buffer.alloc(600 * 1024, 3))).toBe(true);
    expect(packets.filter((p) => p.type === PacketType.DATA && p.id === ids.get("ctx/dir/big.bin") && p.data?.length).length).toBeGreaterThan(1);
    expect(bytesOf(ids.get("ctx/small.txt")!).toString()).toBe("small\n");
    expect(packets.at(-1)?.type).toBe(PacketType.FIN);
  });

  it("refuses a directory it was not given, naming it", async () => {
    const { error } = await collect(client.DiffCopy(metadataOf({ "dir-name": "../etc" })));
    expect(error?.code).toBe(grpc.status.NOT_FOUND);
    expect(error?.details).toBe('no access allowed to dir "../etc"');
  });

  it("ends the transfer with an error when asked for an entry that is not a file", async () => {
    const call = client.DiffCopy(metadataOf({ "dir-name": "context" }));
    // Entry 0 is the directory ctx.
    const done = collect(call, (packet) => packet.type === PacketType.STAT && !packet.stat && call.write({ type: PacketType.REQ, id: 0 }));
    const { packets, error } = await done;
    expect(packets.some((p) => p.type === PacketType.ERR && Buffer.from(p.data!).toString().includes("not a file of this transfer"))).toBe(true);
    expect(error?.details).toMatch(/asked for file 0, which is not a file of this transfer/);
  });

  it("ends the transfer with an error for a malformed pattern, sending no file", async () => {
    const { packets, error } = await collect(client.DiffCopy(metadataOf({ "dir-name": "context", "exclude-patterns": "ctx/[" })));
    expect(error?.details).toBe("malformed pattern: ctx/[");
    expect(packets.filter((p) => p.type === PacketType.DATA)).toEqual([]);
  });
});
