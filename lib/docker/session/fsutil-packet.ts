import protobuf from "protobufjs";

// The messages of BuildKit's file transfer (tonistiigi/fsutil, types/wire.proto
// and types/stat.proto): what the engine and the client say to each other in
// FileSync.DiffCopy. Parsed from this text, not a file, so that no bundler has
// to ship a .proto beside the server.
const SCHEMA = `
syntax = "proto3";
package fsutil.types;
message Stat {
  string path = 1;
  uint32 mode = 2;
  uint32 uid = 3;
  uint32 gid = 4;
  int64 size = 5;
  int64 modTime = 6;
  string linkname = 7;
  int64 devmajor = 8;
  int64 devminor = 9;
  map<string, bytes> xattrs = 10;
}
message Packet {
  enum PacketType {
    PACKET_STAT = 0;
    PACKET_REQ = 1;
    PACKET_DATA = 2;
    PACKET_FIN = 3;
    PACKET_ERR = 4;
  }
  PacketType type = 1;
  Stat stat = 2;
  uint32 ID = 3;
  bytes data = 4;
}
`;

export const PacketType = { STAT: 0, REQ: 1, DATA: 2, FIN: 3, ERR: 4 } as const;
export type PacketType = (typeof PacketType)[keyof typeof PacketType];

/** A file's facts as fsutil sends them: `mode` holds Go's os.FileMode bits, `modTime` nanoseconds. */
export type FileStat = {
  path: string;
  mode: number;
  uid?: number;
  gid?: number;
  size?: number;
  modTime?: bigint;
  linkname?: string;
};

export type Packet = { type: PacketType; stat?: FileStat; id?: number; data?: Uint8Array };

let packetType: protobuf.Type | undefined;
const packetMessage = () => (packetType ??= protobuf.parse(SCHEMA).root.lookupType("fsutil.types.Packet"));

export function encodePacket(packet: Packet): Buffer {
  const { stat } = packet;
  const message = {
    type: packet.type,
    ID: packet.id ?? 0,
    data: packet.data,
    stat: stat && { ...stat, modTime: stat.modTime === undefined ? undefined : int64(stat.modTime) },
  };
  const bytes = packetMessage().encode(packetMessage().fromObject(message)).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

export function decodePacket(bytes: Buffer): Packet {
  const message = packetMessage().toObject(packetMessage().decode(bytes), { longs: String, defaults: false }) as {
    type?: number;
    ID?: number;
    data?: Uint8Array;
    stat?: { path?: string; mode?: number; size?: string; modTime?: string; linkname?: string };
  };
  const type = (message.type ?? 0) as PacketType;
  const packet: Packet = { type, id: message.ID ?? 0 };
  if (message.data) packet.data = message.data;
  if (message.stat) {
    packet.stat = {
      path: message.stat.path ?? "",
      mode: message.stat.mode ?? 0,
      size: Number(message.stat.size ?? 0),
      modTime: BigInt(message.stat.modTime ?? 0),
      ...(message.stat.linkname ? { linkname: message.stat.linkname } : {}),
    };
  }
  return packet;
}

/** Nanoseconds since 1970 pass 2^53: exact through Long where protobufjs has it. */
function int64(value: bigint) {
  const Long = protobuf.util.Long as unknown as { fromBits(low: number, high: number, unsigned: boolean): unknown } | undefined;
  if (!Long) return Number(value);
  const bits = BigInt.asUintN(64, value);
  return Long.fromBits(Number(bits & 0xffffffffn), Number(bits >> 32n), false);
}
