// x-codex-* rate-limit headers → the snapshot account/rateLimits/read reports.
import { describe, expect, it } from "vitest";
import { lastRateLimits, recordRateLimits } from "../../src/model/rate-limits.js";

describe("rate-limit headers", () => {
  it("keeps the last snapshot when a response carries none, and ignores values that are not numbers", () => {
    expect(lastRateLimits().primary).toBeNull();
    recordRateLimits({ "x-codex-primary-used-percent": "not a number", "x-codex-secondary-used-percent": "99.6", "x-codex-secondary-window-minutes": "10080" });
    expect(lastRateLimits()).toMatchObject({ limitId: "codex", primary: null, secondary: { usedPercent: 100, windowDurationMins: 10080, resetsAt: null }, credits: null });
    recordRateLimits({ "content-type": "text/event-stream" });
    expect(lastRateLimits().secondary?.usedPercent).toBe(100);
  });

  it("reads credits only when both flags are present", () => {
    recordRateLimits({ "x-codex-primary-used-percent": "1", "x-codex-credits-has-credits": "true" });
    expect(lastRateLimits().credits).toBeNull();
    recordRateLimits({ "x-codex-primary-used-percent": "1", "x-codex-credits-has-credits": "1", "x-codex-credits-unlimited": "true", "x-codex-credits-balance": " " });
    expect(lastRateLimits().credits).toEqual({ hasCredits: true, unlimited: true, balance: null });
  });
});
