// A text accumulator with a memory bound: it keeps the first and the last part of what it is
// given and only counts the middle, so a command that prints gigabytes cannot exhaust memory,
// while both the start (often the first error) and the end (the final error or summary) survive.

export class CappedText {
  private readonly headCap: number;
  private readonly tailCap: number;
  private head = "";
  private headFull = false;
  // The tail is a queue of pieces; `tailStart` avoids O(n) shifts when many small chunks arrive.
  private tail: string[] = [];
  private tailStart = 0;
  private tailLength = 0;
  private totalBytes = 0;
  private dropped = false;

  /** `cap` is in UTF-16 code units (about bytes for typical output), split between head and tail. */
  constructor(cap: number) {
    this.headCap = Math.ceil(cap / 2);
    this.tailCap = Math.floor(cap / 2);
  }

  /** `bytes` is the size of the raw chunk `text` was decoded from (for the omitted count). */
  append(text: string, bytes: number): void {
    this.totalBytes += bytes;
    if (text === "") return;
    if (!this.headFull) {
      const room = this.headCap - this.head.length;
      if (text.length <= room) {
        this.head += text;
        return;
      }
      let cut = room;
      // Never split a surrogate pair between head and tail.
      if (cut > 0 && isHighSurrogate(text.charCodeAt(cut - 1))) cut--;
      this.head += text.slice(0, cut);
      this.headFull = true;
      text = text.slice(cut);
    }
    this.tail.push(text);
    this.tailLength += text.length;
    this.trimTail();
  }

  /** True once anything had to be dropped. */
  get truncated(): boolean {
    return this.dropped;
  }

  toString(): string {
    const tail = this.tail.slice(this.tailStart).join("");
    if (!this.dropped) return this.head + tail;
    // Raw bytes minus what was kept; approximate when the output was not valid UTF-8.
    const omitted = Math.max(0, this.totalBytes - Buffer.byteLength(this.head) - Buffer.byteLength(tail));
    return `${this.head}\n[... ${omitted} bytes of output omitted ...]\n${tail}`;
  }

  private trimTail(): void {
    let excess = this.tailLength - this.tailCap;
    if (excess <= 0) return;
    this.dropped = true;
    while (excess > 0) {
      const first = this.tail[this.tailStart] as string;
      if (first.length <= excess) {
        // Let the piece go now: the array itself is compacted only now and then, and 1024 dead
        // 64 KB chunks per buffer were held until then.
        this.tail[this.tailStart] = "";
        this.tailStart++;
        this.tailLength -= first.length;
        excess -= first.length;
        continue;
      }
      let cut = excess;
      // Drop the low half of a pair whose high half was dropped.
      if (isLowSurrogate(first.charCodeAt(cut))) cut++;
      this.tail[this.tailStart] = first.slice(cut);
      this.tailLength -= cut;
      excess = 0;
    }
    if (this.tailStart > 1024 && this.tailStart * 2 > this.tail.length) {
      this.tail = this.tail.slice(this.tailStart);
      this.tailStart = 0;
    }
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
