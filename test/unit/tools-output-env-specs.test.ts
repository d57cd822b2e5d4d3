import { describe, expect, it } from "vitest";
import type { ExecResult } from "../../src/tools/exec.js";
import { formatExecForClient, formatFunctionCallOutput, formatSeconds, MODEL_OUTPUT_BYTE_BUDGET, truncateForModel } from "../../src/tools/exec-output.js";
import { buildShellEnv, DEFAULT_SHELL_ENVIRONMENT_POLICY, parseShellEnvironmentPolicy, type ShellEnvironmentPolicy } from "../../src/tools/shell-env.js";
import { parsePlanArguments, parseShellArguments, SHELL_TOOL, UPDATE_PLAN_TOOL } from "../../src/tools/tool-specs.js";

const result = (over: Partial<ExecResult> = {}): ExecResult => ({
  exitCode: 0,
  stdout: "",
  stderr: "",
  aggregatedOutput: "",
  durationMs: 691.58,
  timedOut: false,
  aborted: false,
  pid: 1,
  signal: null,
  spawnError: null,
  ...over,
});

describe("formatFunctionCallOutput", () => {
  it("has the reference's shape, duration rounded to one decimal", () => {
    expect(formatFunctionCallOutput(result())).toBe('{"output":"","metadata":{"exit_code":0,"duration_seconds":0.7}}');
    const out = formatFunctionCallOutput(result({ aggregatedOutput: 'a "quoted"\nline\n', exitCode: 2, durationMs: 1000 }));
    expect(out).toBe('{"output":"a \\"quoted\\"\\nline\\n","metadata":{"exit_code":2,"duration_seconds":1.0}}');
    expect(JSON.parse(out)).toEqual({ output: 'a "quoted"\nline\n', metadata: { exit_code: 2, duration_seconds: 1 } });
  });

  it("reports a timeout in the text and exit code 124", () => {
    const parsed = JSON.parse(formatFunctionCallOutput(result({ timedOut: true, exitCode: 124, durationMs: 10_003.4, aggregatedOutput: "partial\n" })));
    expect(parsed.output).toBe("command timed out after 10003 milliseconds\npartial\n");
    expect(parsed.metadata).toEqual({ exit_code: 124, duration_seconds: 10 });
  });

  it("truncates long output for the model", () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `line ${i}`).join("\n");
    const parsed = JSON.parse(formatFunctionCallOutput(result({ aggregatedOutput: lines })));
    expect(parsed.output.startsWith("Total output lines: 5000\n\nline 0\n")).toBe(true);
    expect(parsed.output.endsWith("line 4999")).toBe(true);
    expect(parsed.output).toMatch(/…\d+ chars truncated…/);
    expect(Buffer.byteLength(parsed.output)).toBeLessThan(MODEL_OUTPUT_BYTE_BUDGET + 100);
  });
});

describe("formatExecForClient / truncateForModel", () => {
  it("passes short output through", () => {
    expect(formatExecForClient(result({ aggregatedOutput: "hi\n" }))).toBe("hi\n");
  });

  it("cuts the middle on character boundaries", () => {
    const text = "é".repeat(100);
    const out = truncateForModel(text, 51);
    expect(out).not.toContain("\ufffd");
    expect(out).toBe(`Total output lines: 1\n\n${"é".repeat(12)}…75 chars truncated…${"é".repeat(13)}`);
  });

  it("formats seconds like the reference", () => {
    expect(formatSeconds(0)).toBe("0.0");
    expect(formatSeconds(49)).toBe("0.0");
    expect(formatSeconds(50)).toBe("0.1");
    expect(formatSeconds(12_345)).toBe("12.3");
  });
});

describe("shell environment policy", () => {
  const base = { PATH: "/usr/bin", HOME: "/home/u", OPENAI_API_KEY: "sk-1", GITHUB_TOKEN: "t", my_secret_thing: "s", FOO: "bar", EDITOR: "vi" };

  it("by default inherits everything but credential-looking names", () => {
    expect(buildShellEnv(DEFAULT_SHELL_ENVIRONMENT_POLICY, base)).toEqual({ PATH: "/usr/bin", HOME: "/home/u", FOO: "bar", EDITOR: "vi" });
    expect(parseShellEnvironmentPolicy(undefined)).toEqual(DEFAULT_SHELL_ENVIRONMENT_POLICY);
  });

  it("keeps them with ignore_default_excludes", () => {
    const policy = parseShellEnvironmentPolicy({ ignore_default_excludes: true });
    expect(buildShellEnv(policy, base)).toEqual(base);
  });

  it("inherit core keeps only the core variables; none keeps nothing", () => {
    expect(buildShellEnv(parseShellEnvironmentPolicy({ inherit: "core" }), base)).toEqual({ PATH: "/usr/bin", HOME: "/home/u" });
    expect(buildShellEnv(parseShellEnvironmentPolicy({ inherit: "none", set: { ONLY: "1" } }), base)).toEqual({ ONLY: "1" });
  });

  it("applies inherit -> default excludes -> exclude -> set -> include_only in that order", () => {
    const policy: ShellEnvironmentPolicy = parseShellEnvironmentPolicy({
      exclude: ["ED*", "fo?"],
      // set runs after the excludes, so a set variable survives them even if it matches...
      set: { MY_TOKEN: "kept", EDITOR: "nano", EXTRA: "x" },
      // ...but include_only runs last and filters set variables too.
      include_only: ["*PATH", "MY_*", "edit*"],
    });
    expect(buildShellEnv(policy, base)).toEqual({ PATH: "/usr/bin", MY_TOKEN: "kept", EDITOR: "nano" });
  });

  it("matches globs case-insensitively and skips undefined values", () => {
    expect(buildShellEnv(parseShellEnvironmentPolicy({ exclude: ["path"], ignore_default_excludes: true }), { PATH: "x", UNSET: undefined, A: "1" })).toEqual({ A: "1" });
  });

  it("rejects values of the wrong type, naming the key", () => {
    expect(() => parseShellEnvironmentPolicy({ inherit: "some" })).toThrow(/shell_environment_policy\.inherit/);
    expect(() => parseShellEnvironmentPolicy({ ignore_default_excludes: "yes" })).toThrow(/ignore_default_excludes/);
    expect(() => parseShellEnvironmentPolicy({ exclude: "X" })).toThrow(/\.exclude/);
    expect(() => parseShellEnvironmentPolicy({ include_only: [1] })).toThrow(/include_only/);
    expect(() => parseShellEnvironmentPolicy({ set: { A: 1 } })).toThrow(/set\.A/);
    expect(() => parseShellEnvironmentPolicy("all")).toThrow(/expected a table/);
    expect(parseShellEnvironmentPolicy({ experimental_use_profile: false, unknown_key: 1 })).toEqual(DEFAULT_SHELL_ENVIRONMENT_POLICY);
  });
});

describe("tool specs", () => {
  it("describe shell and update_plan as strict-less function tools", () => {
    expect(SHELL_TOOL).toMatchObject({ type: "function", name: "shell", strict: false });
    expect(SHELL_TOOL.parameters).toMatchObject({ type: "object", required: ["command"], additionalProperties: false });
    expect(Object.keys(SHELL_TOOL.parameters.properties as object)).toEqual(["command", "justification", "sandbox_permissions", "timeout_ms", "workdir"]);
    expect(UPDATE_PLAN_TOOL).toMatchObject({ type: "function", name: "update_plan", strict: false, parameters: { required: ["plan"] } });
    // Round-trips as JSON (it goes into every model request).
    expect(JSON.parse(JSON.stringify(SHELL_TOOL))).toEqual(SHELL_TOOL);
  });
});

describe("parseShellArguments", () => {
  it("reads command, workdir, timeout and escalation", () => {
    expect(parseShellArguments('{"command":["bash","-lc","ls"]}')).toEqual({ command: ["bash", "-lc", "ls"] });
    expect(
      parseShellArguments('{"command":["ls"],"workdir":"sub","timeout_ms":5000,"sandbox_permissions":"require_escalated","justification":"why?"}'),
    ).toEqual({ command: ["ls"], workdir: "sub", timeoutMs: 5000, sandboxPermissions: "require_escalated", withEscalatedPermissions: true, justification: "why?" });
    expect(parseShellArguments('{"command":["ls"],"timeout":100,"with_escalated_permissions":true,"workdir":null}')).toEqual({
      command: ["ls"],
      timeoutMs: 100,
      withEscalatedPermissions: true,
    });
  });

  it.each([
    ["not json", /failed to parse function arguments: invalid JSON/],
    ["[1]", /expected a JSON object/],
    ["{}", /missing field `command`/],
    ['{"command":"ls -la"}', /`command` must be an array of strings/],
    ['{"command":["ls",1]}', /`command` must be an array of strings/],
    ['{"command":[]}', /must not be empty/],
    ['{"command":["ls"],"workdir":5}', /`workdir` must be a string/],
    ['{"command":["ls"],"timeout_ms":"10"}', /`timeout_ms` must be/],
    ['{"command":["ls"],"timeout_ms":-1}', /`timeout_ms` must be/],
    ['{"command":["ls"],"sandbox_permissions":"root"}', /sandbox_permissions/],
  ])("rejects %s", (json, message) => {
    expect(() => parseShellArguments(json)).toThrow(message);
  });
});

describe("parsePlanArguments", () => {
  it("reads the plan and the optional explanation", () => {
    expect(parsePlanArguments('{"plan":[{"step":"a","status":"completed"},{"step":"b","status":"in_progress"}]}')).toEqual({
      explanation: null,
      plan: [
        { step: "a", status: "completed" },
        { step: "b", status: "in_progress" },
      ],
    });
    expect(parsePlanArguments('{"explanation":"why","plan":[]}')).toEqual({ explanation: "why", plan: [] });
  });

  it.each([
    ["{}", /missing field `plan`/],
    ['{"plan":{}}', /`plan` must be an array/],
    ['{"plan":[{"step":"a","status":"done"}]}', /plan\[0\]\.status must be one of/],
    ['{"plan":[{"status":"pending"}]}', /plan\[0\]\.step must be a string/],
    ['{"plan":[],"explanation":3}', /`explanation` must be a string/],
  ])("rejects %s", (json, message) => {
    expect(() => parsePlanArguments(json)).toThrow(message);
  });
});
