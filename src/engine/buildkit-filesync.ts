// How BuildKit reads a local build context: through the session, the builder calls DiffCopy
// for a named directory ("context", "dockerfile"), berth sends the stat of each entry in walk
// order and then the content of each file the builder asks for (fsutil's send protocol). The
// builder applies the .dockerignore itself: it reads the file first, then asks for the context
// with its patterns, so nothing excluded ever leaves the machine, and the Dockerfile is never
// part of the context unless it is in it.
import { once } from 'node:events';
import { createReadStream, type Stats } from 'node:fs';
import type * as grpc from '@grpc/grpc-js';
import type protobuf from 'protobufjs';

export const FILESYNC_PROTO = `syntax = "proto3";
package fsutil.types;
message Stat {
  string path = 1; uint32 mode = 2; uint32 uid = 3; uint32 gid = 4; int64 size = 5; int64 modTime = 6;
  string linkname = 7; int64 devmajor = 8; int64 devminor = 9; map<string, bytes> xattrs = 10;
}
message Packet { int32 type = 1; Stat stat = 2; uint32 ID = 3; bytes data = 4; }`;

const PACKET = { STAT: 0, REQ: 1, DATA: 2, FIN: 3, ERR: 4 } as const;
const CHUNK = 32 * 1024;

export interface Packet {
  type: number;
  stat?: SyncStat;
  ID?: number;
  data?: Buffer;
}

interface SyncStat {
  path: string;
  /** Go's os.FileMode bits. */
  mode: number;
  size: number;
  modTime: number;
  linkname?: string;
}

export interface SyncEntry {
  stat: SyncStat;
  /** A regular file's content. */
  content?: () => NodeJS.ReadableStream | Buffer;
}

/** A directory the builder may ask for, given the paths it follows and the patterns it excludes. */
export type SyncedDir = (request: { followPaths: string[]; excludes: string[] }) => Promise<SyncEntry[]>;

/** The DiffCopy method: requests and answers are fsutil packets. */
export function diffCopyMethod(packet: protobuf.Type): grpc.MethodDefinition<Packet, Packet> {
  const encode = (value: Packet) => Buffer.from(packet.encode(value as object).finish());
  const decode = (data: Buffer) => packet.toObject(packet.decode(data), { defaults: true, longs: Number }) as Packet;
  return {
    path: '/moby.filesync.v1.FileSync/DiffCopy',
    requestStream: true,
    responseStream: true,
    requestSerialize: encode,
    requestDeserialize: decode,
    responseSerialize: encode,
    responseDeserialize: decode,
  };
}

/** Serves one DiffCopy call from `dirs`. */
export function serveDiffCopy(call: grpc.ServerDuplexStream<Packet, Packet>, dirs: Map<string, SyncedDir>): void {
  // Node joins a header's repeated values with ", ".
  const values = (key: string) =>
    call.metadata
      .get(key)
      .flatMap((v) => String(v).split(', '))
      .filter(Boolean);
  const dir = dirs.get(values('dir-name')[0] ?? '');
  if (!dir) {
    call.write({ type: PACKET.ERR, data: Buffer.from(`no directory "${values('dir-name')[0]}" in this build`) });
    call.end();
    return;
  }
  const listing = dir({ followPaths: values('followpaths'), excludes: values('exclude-patterns') });
  // Requests are answered one at a time, each file whole, in the order they came.
  let sending = Promise.resolve();
  call.on('data', (packet: Packet) => {
    if (packet.type === PACKET.REQ) sending = sending.then(() => listing.then((e) => send(call, e, packet.ID ?? 0)));
    else if (packet.type === PACKET.FIN)
      sending = sending.then(() => {
        call.write({ type: PACKET.FIN });
        call.end();
      });
  });
  listing.then(
    (entries) => {
      for (const entry of entries) call.write({ type: PACKET.STAT, stat: entry.stat });
      call.write({ type: PACKET.STAT });
    },
    (err: Error) => {
      call.write({ type: PACKET.ERR, data: Buffer.from(err.message) });
      call.end();
    },
  );
}

async function send(call: grpc.ServerDuplexStream<Packet, Packet>, entries: SyncEntry[], id: number): Promise<void> {
  const content = entries[id]?.content?.();
  // Waits while the connection's buffer is full: a context may hold files of gigabytes.
  const write = async (data: Buffer) => {
    if (!call.write({ type: PACKET.DATA, ID: id, data })) await once(call, 'drain');
  };
  if (Buffer.isBuffer(content)) {
    for (let at = 0; at < content.length; at += CHUNK) await write(content.subarray(at, at + CHUNK));
  } else if (content) {
    for await (const chunk of content) await write(chunk as Buffer);
  }
  // An empty data packet ends the file.
  call.write({ type: PACKET.DATA, ID: id });
}

/** A file or directory on disk as fsutil describes it, owned by root as the docker CLI sends it. */
export function diskEntry(path: string, abs: string, stats: Stats, linkname?: string): SyncEntry {
  return {
    stat: { path, mode: goFileMode(stats), size: stats.isFile() ? stats.size : 0, modTime: mtimeNs(stats), linkname },
    content: stats.isFile() ? () => createReadStream(abs) : undefined,
  };
}

/** A file held in memory (a Dockerfile given inline or from outside the context). */
export function memoryEntry(path: string, content: Buffer): SyncEntry {
  return { stat: { path, mode: 0o644, size: content.length, modTime: Date.now() * 1e6 }, content: () => content };
}

/** Keeps the entries on the way to or under a followed path; all of them when none is followed. */
export function followed(entries: SyncEntry[], followPaths: string[]): SyncEntry[] {
  if (!followPaths.length) return entries;
  return entries.filter(({ stat: { path } }) =>
    followPaths.some((f) => path === f || f.startsWith(`${path}/`) || path.startsWith(`${f}/`)),
  );
}

function mtimeNs(stats: Stats): number {
  return Math.round(stats.mtimeMs) * 1e6;
}

/** Go's os.FileMode: permission bits, then type and special bits in the high bits. */
function goFileMode(stats: Stats): number {
  let mode = stats.mode & 0o777;
  if (stats.mode & 0o4000) mode |= 1 << 23;
  if (stats.mode & 0o2000) mode |= 1 << 22;
  if (stats.mode & 0o1000) mode |= 1 << 20;
  if (stats.isSymbolicLink()) mode |= 1 << 27;
  if (stats.isDirectory()) mode |= 1 << 31;
  return mode >>> 0;
}
