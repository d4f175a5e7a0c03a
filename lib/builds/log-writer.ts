import "server-only";
import type { Db } from "@/lib/db/client";
import { metrics } from "@/lib/metrics/metrics";
import { signalBuildChanged } from "./build-signals";
import { noteLogStored } from "./shared-log-pages";

export type LogLine = { stage: string | null; step: string | null; stream: number; ts: number; text: string };

const FLUSH_LINES = 5_000;
const FLUSH_MS = 50;
/** Rows per insert statement: one call into SQLite per 50 lines instead of per line, near twice the lines a second. */
const ROWS_PER_INSERT = 50;
const INSERT = "insert into log_lines (build_id, seq, stage, step, stream, ts, text) values ";
const ROW = "(?, ?, ?, ?, ?, ?, ?)";

export type LogWriterOptions = {
  /** Bytes of output kept for the build (KOBUILD_MAX_LOG_BYTES); later output lines are dropped. kobuild's own notes are always kept. */
  maxBytes?: number;
  /** Told once, when the first line is dropped (to warn on the build and in its log). */
  onLimit?: (message: string) => void;
  /** Told once, when the disk (or the database) is full: nothing more is stored. */
  onDiskFull?: (message: string) => void;
};

/** SQLite's and the system's words for a full disk. */
export function isDiskFull(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === "SQLITE_FULL" || code === "ENOSPC" || code === "SQLITE_IOERR_WRITE";
}

/**
 * Stores a build's log lines in order, numbered from 1, in batched
 * transactions: a builder printing hundreds of thousands of lines costs one
 * insert per line inside a few large transactions, and readers are woken once
 * per batch. Past `maxBytes` output lines are dropped (the build goes on, its
 * stream read to the end); a full disk stops all storing and is reported
 * instead of thrown from a timer.
 */
export class LogWriter {
  private pending: LogLine[] = [];
  private timer: NodeJS.Timeout | null = null;
  private seq: number;
  private bytes: number;
  private readonly insert;
  private readonly insertMany;
  private readonly args: (string | number | null)[] = new Array(ROWS_PER_INSERT * 7);
  /** Output lines dropped at the size limit. */
  droppedLines = 0;
  /** Why nothing more is stored: the disk is full. */
  diskFull: string | null = null;

  constructor(
    private readonly db: Db,
    private readonly buildId: number,
    private readonly options: LogWriterOptions = {},
  ) {
    const sqlite = db.$client;
    const last = sqlite.prepare("select max(seq) as seq from log_lines where build_id = ?").get(buildId) as { seq: number | null };
    this.seq = last.seq ?? 0;
    // Only a writer with a limit needs to know what is stored already (nothing, for a build that starts).
    this.bytes =
      options.maxBytes === undefined || this.seq === 0
        ? 0
        : (sqlite.prepare("select coalesce(sum(length(cast(text as blob))), 0) as bytes from log_lines where build_id = ?").get(buildId) as { bytes: number }).bytes;
    this.insert = sqlite.prepare(INSERT + ROW);
    this.insertMany = sqlite.prepare(INSERT + Array<string>(ROWS_PER_INSERT).fill(ROW).join(", "));
  }

  write(line: LogLine) {
    if (this.diskFull) return;
    const size = Buffer.byteLength(line.text);
    if (line.stream !== 0 && this.options.maxBytes !== undefined && this.bytes + size > this.options.maxBytes) {
      if (this.droppedLines++ === 0) {
        const message = `the log reached ${this.options.maxBytes} bytes (KOBUILD_MAX_LOG_BYTES): later output of the build was not stored; the build went on to its end`;
        if (this.options.onLimit) this.options.onLimit(message);
        else this.note(`kobuild: warning: ${message}`);
      }
      return;
    }
    this.bytes += size;
    this.pending.push(line);
    if (this.pending.length >= FLUSH_LINES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  /** kobuild's own notes in the log (stream 0). */
  note(text: string, stage: string | null = null) {
    this.write({ stage, step: null, stream: 0, ts: Date.now(), text });
  }

  flush() {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.pending.length === 0 || this.diskFull) return;
    const lines = this.pending;
    this.pending = [];
    const sqlite = this.db.$client;
    const first = this.seq;
    try {
      sqlite.transaction(() => this.insertLines(lines))();
    } catch (error) {
      // The batch was rolled back: its numbers are free again.
      this.seq = first;
      if (!isDiskFull(error)) throw error;
      this.diskFull = `the disk is full: the build's log could not be stored (${(error as { code?: string }).code})`;
      this.options.onDiskFull?.(this.diskFull);
      return;
    }
    metrics().logLinesStored.inc(lines.length);
    noteLogStored(this.buildId, this.seq);
    signalBuildChanged(this.buildId);
  }

  private insertLines(lines: LogLine[]) {
    const args = this.args;
    let i = 0;
    for (; i + ROWS_PER_INSERT <= lines.length; i += ROWS_PER_INSERT) {
      for (let k = 0; k < ROWS_PER_INSERT; k++) {
        const l = lines[i + k]!;
        const at = k * 7;
        args[at] = this.buildId;
        args[at + 1] = ++this.seq;
        args[at + 2] = l.stage;
        args[at + 3] = l.step;
        args[at + 4] = l.stream;
        args[at + 5] = l.ts;
        args[at + 6] = l.text;
      }
      this.insertMany.run(args);
    }
    for (; i < lines.length; i++) {
      const l = lines[i]!;
      this.insert.run(this.buildId, ++this.seq, l.stage, l.step, l.stream, l.ts, l.text);
    }
  }

  get lastSeq() {
    return this.seq + this.pending.length;
  }
}
