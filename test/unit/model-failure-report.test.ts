// The readable message and kind a failed model request is reported with.
import { describe, expect, it } from "vitest";
import { CONTEXT_WINDOW_MESSAGE, describeModelFailure, isUsageLimit } from "../../src/model/failure-report.js";
import { ModelError } from "../../src/model/types.js";

const http = (status: number, body: string) => new ModelError("http", body, status, body);

describe("describeModelFailure", () => {
  it("quotes the body's own error message on one line, capped", () => {
    const r = describeModelFailure(http(502, '{"error":{"message":"bad\\n  gateway"}}'));
    expect(r).toEqual({ message: "unexpected status 502 Bad Gateway: bad gateway", info: { kind: "internalServerError" } });
    const huge = describeModelFailure(http(500, "x".repeat(1 << 20)));
    expect(huge.message.length).toBeLessThanOrEqual(2048);
  });

  it("tells rate limiting from a spent usage limit", () => {
    expect(isUsageLimit(429, '{"error":{"type":"usage_limit_reached"}}')).toBe(true);
    expect(isUsageLimit(429, '{"error":{"code":"insufficient_quota"}}')).toBe(true);
    expect(isUsageLimit(429, '{"error":{"message":"slow down"}}')).toBe(false);
    expect(describeModelFailure(http(429, "slow down")).info).toEqual({ kind: "responseTooManyFailedAttempts", httpStatusCode: 429 });
  });

  it("maps response.failed codes and stream cuts", () => {
    const failed = new ModelError("response_failed", "too long", undefined, undefined, "context_length_exceeded");
    expect(describeModelFailure(failed)).toEqual({ message: CONTEXT_WINDOW_MESSAGE, info: { kind: "contextWindowExceeded" } });
    expect(describeModelFailure(new ModelError("stream_closed", "cut")).info).toEqual({ kind: "responseStreamDisconnected", httpStatusCode: null });
  });
});
