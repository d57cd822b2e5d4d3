// The command line as the reference's `codex app-server`: a leading `app-server` word,
// `--listen stdio://`, `--enable/--disable F`, and `--version` naming the protocol version.
import { existsSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { useServers, type ServerProcess } from "../support/server-process.js";
import { useTempDirs } from "../support/temp-dirs.js";

const start = useServers(afterEach);
const tempDir = useTempDirs(afterEach, "codex-cli-");

/** Serves a full initialize → request → EOF exchange, as with no arguments. */
async function expectServes(s: ServerProcess): Promise<void> {
  const init = await s.initialize("cli_test", "1.0.0");
  expect(init.result).toEqual(expect.objectContaining({ userAgent: expect.stringMatching(/^cli_test\/0\.169\.0 /) }));
  expect((await s.request("getUserAgent")).result).toBeDefined();
  expect((await s.closeStdin()).code).toBe(0);
}

async function expectRefused(s: ServerProcess, stderr: RegExp): Promise<void> {
  const { code } = await s.exited;
  expect(code).toBe(2);
  expect(s.stderr).toMatch(stderr);
  expect(s.lines).toEqual([]);
}

describe("command line", () => {
  it("--version prints our version and the Codex protocol version", async () => {
    const s = start({ args: ["--version"] });
    expect((await s.exited).code).toBe(0);
    expect(s.lines).toEqual([expect.stringMatching(/^codex-app-server \d+\.\d+\.\d+\S* \(Codex protocol 0\.169\.0\)$/)]);
  });

  it("serves stdio after `app-server --listen stdio://` with feature flags and -c", async () => {
    const s = start({ args: ["app-server", "--listen", "stdio://", "--enable", "unified_exec", "--disable", "web_search_request", "-c", "model=o3"] });
    await expectServes(s);
  });

  it("accepts --listen=stdio://, --stdio and --enable=F forms", async () => {
    await expectServes(start({ args: ["--listen=stdio://", "--stdio", "--enable=shell_tool", "--disable=web_search_request"] }));
  });

  it("refuses a ws:// URL without a port and --ws-auth flags that do not fit together, with exit 2", async () => {
    await expectRefused(start({ args: ["--listen", "ws://127.0.0.1"] }), /invalid --listen URL "ws:\/\/127\.0\.0\.1"; expected ws:\/\/IP:PORT/);
    await expectRefused(start({ args: ["--listen", "ws://127.0.0.1:0", "--ws-auth", "magic"] }), /invalid value 'magic' for --ws-auth/);
    await expectRefused(start({ args: ["--listen", "ws://127.0.0.1:0", "--ws-auth", "capability-token"] }), /exactly one of --ws-token-file and --ws-token-sha256/);
    await expectRefused(start({ args: ["--listen", "ws://127.0.0.1:0", "--ws-token-sha256", "00"] }), /64 hex digits/);
    await expectRefused(start({ args: ["--listen", "ws://127.0.0.1:0", "--ws-auth", "signed-bearer-token", "--ws-shared-secret-file", "rel"] }), /must be an absolute path/);
  });

  it("refuses an unknown --listen scheme and a missing URL", async () => {
    await expectRefused(start({ args: ["--listen", "tcp://127.0.0.1:1"] }), /unsupported --listen URL "tcp:\/\/127\.0\.0\.1:1"; expected stdio:\/\/, unix:\/\/PATH, ws:\/\/IP:PORT or off/);
    await expectRefused(start({ args: ["--listen"] }), /--listen needs a URL/);
  });

  it("refuses --enable without a name and a feature 0.169 does not know, as the reference", async () => {
    await expectRefused(start({ args: ["--enable"] }), /--enable needs a feature name/);
    await expectRefused(start({ args: ["--disable", "bogus_feature"] }), /unknown feature flag "bogus_feature" for --disable/);
    await expectRefused(start({ args: ["app-server", "--enable=a.b"] }), /unknown feature flag "a\.b" for --enable/);
  });

  it("a feature flag is the features.<F> config value: a wrong -c type is a config error, the flag is not", async () => {
    const bad = start({ args: ["-c", "features.unified_exec=3"] });
    await bad.initialize();
    const warning = await bad.waitFor(() => bad.notifications("configWarning")[0], 5_000, "configWarning");
    expect(JSON.stringify(warning)).toContain("features.unified_exec");
    const good = start({ args: ["--enable", "unified_exec"] });
    await good.initialize();
    expect((await good.request("getUserSavedConfig")).error).toBeUndefined();
    expect(good.notifications("configWarning")).toEqual([]);
  });

  it("runs generate-json-schema after the app-server word, taking feature flags as the reference", async () => {
    const out = path.join(tempDir(), "schema");
    const s = start({ args: ["app-server", "generate-json-schema", "--enable", "unified_exec", "--out", out] });
    expect((await s.exited).code).toBe(0);
    expect(s.lines).toEqual([expect.stringMatching(/^Wrote \d+ JSON Schema files to /)]);
    expect(existsSync(out)).toBe(true);
    await expectRefused(start({ args: ["app-server", "generate-ts", "--disable=nope", "--out", out] }), /unknown feature flag "nope" for --disable/);
  });
});
