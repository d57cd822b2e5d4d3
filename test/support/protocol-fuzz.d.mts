// Types for protocol-fuzz.mjs (plain JS so bench/soak scenarios can import it too).
export type FuzzId = string | number;

export function seededRandom(seed: number): () => number;

export function protocolFuzz(options: { seed: number; lines: number; maxHugeBytes?: number }): {
  /** The chunks to write to stdin, in order. */
  writes: Buffer[];
  /** Ids of the interleaved requests that must each get exactly one reply. */
  numbered: FuzzId[];
  bytes: number;
};

export function checkNumberedReplies(messages: unknown[], numbered: FuzzId[]): { missing: FuzzId[]; repeated: FuzzId[] };
