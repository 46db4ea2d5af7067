import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import path from "node:path";
import type { Report } from "./backend";

/**
 * An append-only file of the reports the bridge has acknowledged to the broker but the service
 * has not yet confirmed. It lets the bridge acknowledge a scan as soon as it is written here
 * (so messages flow at the broker's pace, not one service round trip at a time) without losing
 * it if the process dies: on start, what was written after the last confirmed entry is sent
 * again, and the service's idempotency makes that harmless.
 *
 * Writes go to the operating system at once but are not fsync'ed: the journal survives the
 * bridge crashing or being killed, not the machine losing power (Mosquitto's own persistence
 * makes the same trade-off).
 */
export class Journal {
  private fd: number;
  private nextId: number;
  private confirmedThrough: number;
  private written: number;
  private checkpointTimer: NodeJS.Timeout;
  private checkpointed: number;
  private closed = false;

  private constructor(
    private readonly dir: string,
    state: { nextId: number; confirmedThrough: number },
    private readonly rotateBytes: number,
  ) {
    this.nextId = state.nextId;
    this.confirmedThrough = state.confirmedThrough;
    this.checkpointed = state.confirmedThrough;
    this.fd = openSync(this.file, "a");
    this.written = statSync(this.file).size;
    this.checkpointTimer = setInterval(() => this.checkpoint(), 200);
    this.checkpointTimer.unref();
  }

  private get file(): string {
    return path.join(this.dir, "reports.ndjson");
  }

  private static checkpointFile(dir: string): string {
    return path.join(dir, "confirmed");
  }

  /**
   * Opens (or creates) the journal in `dir`; returns it with the reports written before but never
   * confirmed, in order, for the caller to send again.
   */
  static open(dir: string, options: { rotateBytes?: number } = {}): { journal: Journal; unconfirmed: Array<{ id: number; report: Report }> } {
    mkdirSync(dir, { recursive: true });
    const checkpointPath = Journal.checkpointFile(dir);
    const confirmedThrough = existsSync(checkpointPath) ? Number(readFileSync(checkpointPath, "utf8").trim()) || 0 : 0;
    const file = path.join(dir, "reports.ndjson");
    const unconfirmed: Array<{ id: number; report: Report }> = [];
    let lastId = confirmedThrough;
    if (existsSync(file)) {
      for (const line of readFileSync(file, "utf8").split("\n")) {
        if (line === "") continue;
        let entry: { id: number; report: Report };
        try {
          entry = JSON.parse(line) as { id: number; report: Report };
        } catch {
          continue; // the last line of a crash may be cut short: it was never acknowledged
        }
        lastId = Math.max(lastId, entry.id);
        if (entry.id > confirmedThrough) unconfirmed.push(entry);
      }
    }
    const journal = new Journal(dir, { nextId: lastId + 1, confirmedThrough }, options.rotateBytes ?? 8 * 1024 * 1024);
    return { journal, unconfirmed };
  }

  /** Writes a report before its message is acknowledged; returns its id for `confirm`. */
  append(report: Report): number {
    if (this.closed) throw new Error("The journal is closed");
    const id = this.nextId++;
    const line = `${JSON.stringify({ id, report })}\n`;
    this.written += writeSync(this.fd, line);
    return id;
  }

  /** The service has every report up to and including `id` (reports are confirmed in order). */
  confirm(id: number): void {
    if (id > this.confirmedThrough) this.confirmedThrough = id;
  }

  /** Unconfirmed reports in the file. */
  get backlog(): number {
    return this.nextId - 1 - this.confirmedThrough;
  }

  private checkpoint(): void {
    if (this.closed || this.checkpointed === this.confirmedThrough) return;
    const target = Journal.checkpointFile(this.dir);
    writeFileSync(`${target}.tmp`, `${this.confirmedThrough}\n`);
    renameSync(`${target}.tmp`, target);
    this.checkpointed = this.confirmedThrough;
    // Everything written is confirmed: start an empty file rather than let it grow forever.
    if (this.backlog === 0 && this.written >= this.rotateBytes) {
      closeSync(this.fd);
      unlinkSync(this.file);
      this.fd = openSync(this.file, "a");
      this.written = 0;
    }
  }

  close(): void {
    if (this.closed) return;
    this.checkpoint();
    this.closed = true;
    clearInterval(this.checkpointTimer);
    closeSync(this.fd);
  }
}
