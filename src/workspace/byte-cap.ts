// The first N bytes of one output stream, as command/exec keeps them: a prefix (codex 0.169 keeps
// the start too), with a flag on the chunk where the cap cut in, and nothing held past the cap.

export interface Kept {
  /** The part of the chunk within the cap. */
  bytes: Buffer;
  /** True once, on the chunk the cap cut. */
  capReached: boolean;
}

export class ByteCap {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private full = false;

  /** `cap` in bytes, null for none; `keep: false` only counts (the bytes were streamed away). */
  constructor(
    private readonly cap: number | null,
    private readonly keep = true,
  ) {}

  /** What of `chunk` is kept, or null when the cap was reached before it. */
  take(chunk: Buffer): Kept | null {
    if (this.full) return null;
    if (this.cap === null || this.size + chunk.length <= this.cap) {
      this.size += chunk.length;
      if (this.keep) this.chunks.push(chunk);
      return { bytes: chunk, capReached: false };
    }
    const bytes = chunk.subarray(0, this.cap - this.size);
    this.size += bytes.length;
    if (this.keep) this.chunks.push(bytes);
    this.full = true;
    return { bytes, capReached: true };
  }

  /** The kept bytes as text; invalid UTF-8 (binary output, a character cut by the cap) becomes U+FFFD. */
  text(): string {
    return Buffer.concat(this.chunks).toString("utf8");
  }
}
