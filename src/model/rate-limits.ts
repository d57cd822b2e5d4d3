// The usage limits the last model response reported in its x-codex-* headers (as codex-rs reads
// them), kept per process for account/rateLimits/read. Fields a provider does not send stay null.
import type { IncomingHttpHeaders } from "node:http";
import type { CreditsSnapshot, RateLimitSnapshot, RateLimitWindow } from "../protocol/v2/account.js";

let last: RateLimitSnapshot | undefined;
const listeners = new Set<(snapshot: RateLimitSnapshot) => void>();

/** Called with each new snapshot a response brings (account/rateLimits/updated); returns the unsubscribe. */
export function onRateLimits(listener: (snapshot: RateLimitSnapshot) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function emptyRateLimits(): RateLimitSnapshot {
  return { limitId: null, limitName: null, primary: null, secondary: null, credits: null, planType: null };
}

/** The last snapshot seen, or one with every field null when no response carried one. */
export function lastRateLimits(): RateLimitSnapshot {
  return last ?? emptyRateLimits();
}

/** Called with every model response's headers; responses without x-codex-* headers leave the last snapshot. */
export function recordRateLimits(headers: IncomingHttpHeaders): void {
  const primary = windowFrom(headers, "primary");
  const secondary = windowFrom(headers, "secondary");
  const credits = creditsFrom(headers);
  if (!primary && !secondary && !credits) return;
  last = { limitId: "codex", limitName: null, primary, secondary, credits, planType: null };
  for (const listener of listeners) listener(last);
}

/** The snapshot in 0.90's snake_case, as v1's token_count event carries it. */
export function v1RateLimits(snapshot: RateLimitSnapshot) {
  const window = (w: RateLimitWindow | null) => (w ? { used_percent: w.usedPercent, window_minutes: w.windowDurationMins, resets_at: w.resetsAt } : null);
  const credits = snapshot.credits ? { has_credits: snapshot.credits.hasCredits, unlimited: snapshot.credits.unlimited, balance: snapshot.credits.balance } : null;
  return { primary: window(snapshot.primary), secondary: window(snapshot.secondary), credits, plan_type: snapshot.planType };
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function numberHeader(headers: IncomingHttpHeaders, name: string): number | undefined {
  const text = header(headers, name)?.trim();
  if (!text) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

function windowFrom(headers: IncomingHttpHeaders, which: "primary" | "secondary"): RateLimitWindow | null {
  const used = numberHeader(headers, `x-codex-${which}-used-percent`);
  if (used === undefined) return null;
  const minutes = numberHeader(headers, `x-codex-${which}-window-minutes`);
  const resetsAt = numberHeader(headers, `x-codex-${which}-reset-at`);
  return {
    usedPercent: Math.round(used),
    windowDurationMins: minutes === undefined ? null : Math.trunc(minutes),
    resetsAt: resetsAt === undefined ? null : Math.trunc(resetsAt),
  };
}

function creditsFrom(headers: IncomingHttpHeaders): CreditsSnapshot | null {
  const has = header(headers, "x-codex-credits-has-credits");
  const unlimited = header(headers, "x-codex-credits-unlimited");
  if (has === undefined || unlimited === undefined) return null;
  const balance = header(headers, "x-codex-credits-balance")?.trim();
  return { hasCredits: truthy(has), unlimited: truthy(unlimited), balance: balance ? balance : null };
}

function truthy(value: string): boolean {
  const v = value.trim().toLowerCase();
  return v === "true" || v === "1";
}
