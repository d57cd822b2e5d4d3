// The rules around one sandboxed command, on their own: which failures look like the sandbox's
// doing (and so earn an unsandboxed-rerun question), and where escalation may be asked for.
import { describe, expect, it } from "vitest";
import { escalationRefusal, likelySandboxDenied, offersUnsandboxedRetry } from "../../src/core/sandboxed-exec.js";
import type { ExecResult } from "../../src/tools/exec.js";

function result(over: Partial<ExecResult>): ExecResult {
  return { exitCode: 1, stdout: "", stderr: "", aggregatedOutput: "", durationMs: 1, timedOut: false, aborted: false, pid: 1, signal: null, spawnError: null, ...over };
}

describe("likelySandboxDenied", () => {
  it("sees the kernel's denials in either stream, whatever the case", () => {
    expect(likelySandboxDenied(result({ stderr: "bash: x: Read-only file system" }), false)).toBe(true);
    expect(likelySandboxDenied(result({ stdout: "touch: cannot touch 'x': Permission denied" }), false)).toBe(true);
    expect(likelySandboxDenied(result({ stderr: "mount: Operation not permitted", exitCode: 2 }), false)).toBe(true);
  });

  it("counts network errors only while the sandbox has the network off", () => {
    const refused = result({ stderr: "bash: connect: Connection refused" });
    expect(likelySandboxDenied(refused, true)).toBe(true);
    expect(likelySandboxDenied(refused, false)).toBe(false);
    expect(likelySandboxDenied(result({ stderr: "curl: (6) Could not resolve host: example.com" }), true)).toBe(true);
  });

  it("leaves the command's own failures alone: success, plain exit codes, not found, timeouts", () => {
    expect(likelySandboxDenied(result({ exitCode: 0, stderr: "permission denied" }), true)).toBe(false);
    expect(likelySandboxDenied(result({ exitCode: 1, stderr: "assertion failed" }), true)).toBe(false);
    expect(likelySandboxDenied(result({ exitCode: 127 }), true)).toBe(false);
    expect(likelySandboxDenied(result({ exitCode: 124, timedOut: true, stderr: "permission denied" }), true)).toBe(false);
  });

  it("takes SIGSYS (a seccomp kill) as the sandbox's", () => {
    expect(likelySandboxDenied(result({ exitCode: 128 + 31, signal: "SIGSYS" }), false)).toBe(true);
  });
});

describe("escalation and reruns by approval policy", () => {
  it("lets only on-request ask for escalated permissions, refusing elsewhere in the reference's words", () => {
    expect(escalationRefusal("on-request", true)).toBeNull();
    expect(escalationRefusal("never", false)).toBeNull();
    expect(escalationRefusal("on-failure", true)).toBe(
      "approval policy is OnFailure; reject command — you should not ask for escalated permissions if the approval policy is OnFailure",
    );
    expect(escalationRefusal("untrusted", true)).toContain("approval policy is UnlessTrusted;");
  });

  it("offers unsandboxed reruns under untrusted and on-failure only", () => {
    expect(["untrusted", "on-failure", "on-request", "never"].map((p) => offersUnsandboxedRetry(p as never))).toEqual([true, true, false, false]);
  });
});
