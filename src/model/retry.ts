// Retry timing shared by request-level and stream-level retries, and abort-aware waiting.
import type { IncomingHttpHeaders } from "node:http";

const INITIAL_BACKOFF_MS = 200;
/** With up to 100 retries the doubling must stop somewhere. */
export const MAX_BACKOFF_MS = 30_000;
/** A server asking for more than this is waited for this long; the retry budget decides the rest. */
export const MAX_RETRY_AFTER_MS = 60_000;

/** Delay before retry number `retry` (1-based): 200 ms · 2^(retry-1), ±10 % jitter so clients spread out. */
export function backoffMs(retry: number, random: () => number = Math.random): number {
  const base = Math.min(INITIAL_BACKOFF_MS * 2 ** Math.max(retry - 1, 0), MAX_BACKOFF_MS);
  return Math.round(base * (0.9 + random() * 0.2));
}

/** The server's requested delay: `retry-after-ms` (OpenAI), else `Retry-After` in seconds or as an HTTP date. */
export function retryAfterMs(headers: IncomingHttpHeaders, now: number = Date.now()): number | undefined {
  const ms = single(headers["retry-after-ms"]);
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms.trim())) return cap(Number(ms));
  const value = single(headers["retry-after"])?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return cap(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : cap(date - now);
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function cap(ms: number): number {
  return Math.min(Math.max(Math.round(ms), 0), MAX_RETRY_AFTER_MS);
}

/** What an aborted operation throws: the abort reason (a DOMException "AbortError" by default). */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("This operation was aborted", "AbortError");
}

export function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortReason(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Waits with `sleep`, and makes an abort during (or right after) the wait throw the abort reason. */
export async function pause(sleep: (ms: number, signal: AbortSignal) => Promise<void>, ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) throw abortReason(signal);
  try {
    await sleep(ms, signal);
  } catch (error) {
    if (signal.aborted) throw abortReason(signal);
    throw error;
  }
  if (signal.aborted) throw abortReason(signal);
}
