// Appends lines to one rollout file. Append-only and crash-safe: the file is opened O_APPEND,
// earlier bytes are never rewritten, and each batch is whole lines in one write, so a crash loses
// at most the batch being written and leaves at worst a torn last line (the reader drops it).
// An idle conversation releases the file descriptor; the next line opens the file again.
import { closeSync, constants, openSync, writeSync } from "node:fs";
import { mkdir, open, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { encodeLine } from "./jsonl.js";
import { rolloutPathFor } from "./paths.js";
import { isStorageFailure, storageError } from "./storage-errors.js";
import { errnoCode, ioError, RolloutError, type RolloutLineType, type SessionMeta } from "./types.js";

async function writeAll(fh: FileHandle, buf: Buffer): Promise<number> {
  let off = 0;
  try {
    while (off < buf.length) off += (await fh.write(buf, off, buf.length - off)).bytesWritten;
  } catch (err) {
    throw Object.assign(ioError("rollout write failed", err), { written: off });
  }
  return off;
}

/** Makes a new directory entry durable; some filesystems cannot fsync a directory, which is fine. */
async function syncDir(dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(dir, "r");
    await fh.sync();
  } catch {
    // best effort
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

async function openForAppend(file: string): Promise<FileHandle> {
  try {
    // No O_CREAT: a file moved away (archived) is not conjured back empty.
    return await open(file, constants.O_WRONLY | constants.O_APPEND);
  } catch (err) {
    const code = errnoCode(err);
    if (code === "ENOENT" || code === "ENOTDIR") throw new RolloutError("not_found", `no rollout found at ${file}`);
    throw ioError(`failed to open rollout ${file}`, err);
  }
}

export class RolloutWriter {
  readonly path: string;
  /** Undefined while released: the next batch opens the file again (append, never create). */
  #fh: FileHandle | undefined;
  #pending: string[] = [];
  /** "\n" when reopening after a torn last line: goes before our first line. */
  #separator = "";
  /** What a failed write left of its batch: retried first, so lines stay whole and in order. */
  #unwritten: { buf: Buffer; lines: number } | undefined;
  #draining: Promise<void> | undefined;
  #queued = 0;
  #written = 0;
  #unsynced = false;
  #closing: Promise<void> | undefined;

  private constructor(file: string, fh: FileHandle) {
    this.path = file;
    this.#fh = fh;
  }

  /** Creates `sessions/YYYY/MM/DD/rollout-…-<id>.jsonl` with the session_meta line, synced to disk. */
  static async create(codexHome: string, meta: SessionMeta, created: Date = new Date()): Promise<RolloutWriter> {
    const file = rolloutPathFor(codexHome, meta.id, created);
    let fh: FileHandle | undefined;
    try {
      // Private: conversations hold what the user typed and what commands printed.
      await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    } catch (err) {
      throw await storageError("cannot create the rollout file", path.dirname(file), err);
    }
    try {
      // "ax": never adopt (and append to) someone else's file.
      fh = await open(file, "ax", 0o600);
      await writeAll(fh, Buffer.from(encodeLine("session_meta", meta), "utf8"));
      await fh.sync();
    } catch (err) {
      await fh?.close().catch(() => undefined);
      if (isStorageFailure(err)) throw await storageError("cannot create the rollout file", path.dirname(file), err);
      throw ioError(`failed to create rollout ${file}`, err);
    }
    await syncDir(path.dirname(file));
    return new RolloutWriter(file, fh);
  }

  /** Appends to an existing rollout (resume). */
  static async reopen(file: string): Promise<RolloutWriter> {
    let fh: FileHandle;
    try {
      // No O_CREAT: resuming must not conjure an empty file.
      fh = await open(file, constants.O_RDWR | constants.O_APPEND);
    } catch (err) {
      const code = errnoCode(err);
      if (code === "ENOENT" || code === "ENOTDIR") throw new RolloutError("not_found", `no rollout found at ${file}`);
      throw ioError(`failed to open rollout ${file}`, err);
    }
    const writer = new RolloutWriter(file, fh);
    try {
      // A crash may have left a torn last line; end it so our first line is not glued onto it.
      const { size } = await fh.stat();
      if (size > 0) {
        const last = Buffer.alloc(1);
        await fh.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) writer.#separator = "\n";
      }
    } catch (err) {
      await fh.close().catch(() => undefined);
      throw ioError(`failed to open rollout ${file}`, err);
    }
    return writer;
  }

  /** Queues one line; it is written in order with whatever else is queued. Never throws for I/O. */
  write(type: Exclude<RolloutLineType, "session_meta">, payload: unknown): void {
    if (this.#closing) throw new RolloutError("io", `rollout ${this.path} is closed`);
    // Serialised now: later mutations of payload must not change what was recorded.
    this.#pending.push(encodeLine(type, payload));
    this.#queued++;
    this.#kick();
  }

  /** Resolves once every line queued before the call is written and synced to disk. */
  async flush(): Promise<void> {
    await this.#writtenOut();
    if (this.#unsynced) {
      this.#unsynced = false;
      // Released meanwhile: fsync works on the file, through any descriptor.
      let fh: FileHandle | undefined;
      try {
        fh = this.#fh ?? (await openForAppend(this.path));
        await fh.datasync();
      } catch (err) {
        this.#unsynced = true;
        throw ioError(`failed to sync rollout ${this.path}`, err);
      } finally {
        if (fh !== undefined && fh !== this.#fh) await fh.close().catch(() => undefined);
      }
    }
  }

  /** Every line queued before the call has been handed to the OS. */
  async #writtenOut(): Promise<void> {
    const target = this.#queued;
    while (this.#written < target) {
      this.#kick();
      await this.#draining;
    }
  }

  /** Flushes, then closes the file. Later write() calls throw. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      try {
        await this.flush();
      } finally {
        const fh = this.#fh;
        this.#fh = undefined;
        await fh?.close();
      }
    })();
    return this.#closing;
  }

  /** True while the writer holds an open file descriptor. */
  get isOpen(): boolean {
    return this.#fh !== undefined;
  }

  /**
   * Writes out what is queued and gives the file descriptor back; a later write() opens the file
   * again. No fsync here: as before the release, flush() and close() make the lines durable.
   */
  async release(stillIdle: () => boolean = () => true): Promise<void> {
    await this.#writtenOut();
    // Lines arrived meanwhile, or a turn started (its lines may already be out): keep the file open.
    if (this.#closing || this.#draining || this.#pending.length > 0 || this.#unwritten || !stillIdle()) return;
    const fh = this.#fh;
    this.#fh = undefined;
    await fh?.close();
  }

  /**
   * For the moment the process exits: writes the lines no write has started on yet, synchronously.
   * A batch already handed to the OS finishes on its own (or is lost with the process).
   */
  writeQueuedSync(): void {
    const lines = this.#pending;
    if (lines.length === 0) return;
    this.#pending = [];
    const buf = Buffer.from(this.#separator + lines.join(""), "utf8");
    this.#separator = "";
    const fd = this.#fh?.fd ?? openSync(this.path, constants.O_WRONLY | constants.O_APPEND);
    try {
      for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off);
      this.#written += lines.length;
    } finally {
      if (this.#fh?.fd !== fd) closeSync(fd);
    }
  }

  #kick(): void {
    if (this.#draining) return;
    const run = this.#drain().finally(() => {
      if (this.#draining === run) this.#draining = undefined;
    });
    this.#draining = run;
    // The failure is reported to whoever flushes; the batch stays queued for the next attempt.
    run.catch(() => undefined);
  }

  async #drain(): Promise<void> {
    for (;;) {
      if (this.#unwritten === undefined) {
        if (this.#pending.length === 0) return;
        const lines = this.#pending;
        this.#pending = [];
        this.#unwritten = { buf: Buffer.from(this.#separator + lines.join(""), "utf8"), lines: lines.length };
        this.#separator = "";
      }
      const batch = this.#unwritten;
      try {
        this.#fh ??= await openForAppend(this.path);
        await writeAll(this.#fh, batch.buf);
      } catch (err) {
        const written = (err as { written?: number }).written ?? 0;
        this.#unwritten = { buf: batch.buf.subarray(written), lines: batch.lines };
        if (written > 0) this.#unsynced = true;
        throw err;
      }
      this.#unwritten = undefined;
      this.#written += batch.lines;
      this.#unsynced = true;
    }
  }
}
