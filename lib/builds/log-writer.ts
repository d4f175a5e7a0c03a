import "server-only";
import type { Db } from "@/lib/db/client";
import { signalBuildChanged } from "./build-signals";

export type LogLine = { stage: string | null; step: string | null; stream: number; ts: number; text: string };

const FLUSH_LINES = 5_000;
const FLUSH_MS = 50;

/**
 * Stores a build's log lines in order, numbered from 1, in batched
 * transactions: a builder printing hundreds of thousands of lines costs one
 * insert per line inside a few large transactions, and readers are woken once
 * per batch.
 */
export class LogWriter {
  private pending: LogLine[] = [];
  private timer: NodeJS.Timeout | null = null;
  private seq: number;
  private readonly insert;

  constructor(
    private readonly db: Db,
    private readonly buildId: number,
  ) {
    const sqlite = db.$client;
    const last = sqlite.prepare("select max(seq) as seq from log_lines where build_id = ?").get(buildId) as { seq: number | null };
    this.seq = last.seq ?? 0;
    this.insert = sqlite.prepare(
      "insert into log_lines (build_id, seq, stage, step, stream, ts, text) values (?, ?, ?, ?, ?, ?, ?)",
    );
  }

  write(line: LogLine) {
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
    if (this.pending.length === 0) return;
    const lines = this.pending;
    this.pending = [];
    const sqlite = this.db.$client;
    sqlite.transaction(() => {
      for (const l of lines) this.insert.run(this.buildId, ++this.seq, l.stage, l.step, l.stream, l.ts, l.text);
    })();
    signalBuildChanged(this.buildId);
  }

  get lastSeq() {
    return this.seq + this.pending.length;
  }
}
