import { afterEach, describe, expect, it } from "vitest";
import { resetOriginatorForTests, setDefaultOriginator } from "../../src/originator.js";
import { resetUserAgentForTests, setUserAgentSuffix, terminalName, userAgent } from "../../src/user-agent.js";

afterEach(() => {
  resetOriginatorForTests();
  resetUserAgentForTests();
});

describe("userAgent", () => {
  it("is originator/protocol-version (os; arch) terminal (client; version)", () => {
    setDefaultOriginator("my_ide");
    setUserAgentSuffix("my_ide", "2.0.0");
    const ua = userAgent({ TERM: "xterm" });
    // The Codex protocol version we implement, not the package's: clients gate features on it.
    expect(ua).toMatch(new RegExp(`^my_ide/0\\.169\\.0 \\([^;()]+ [^;()]+; [^()]+\\) xterm \\(my_ide; 2\\.0\\.0\\)$`));
  });

  it("has no client part before initialize", () => {
    expect(userAgent({ TERM: "xterm" })).toMatch(/^codex_cli_rs\/\S+ \([^)]*\) xterm$/);
  });

  it("replaces characters a header cannot carry", () => {
    setUserAgentSuffix("ide", "1\r\n2");
    expect(userAgent({ TERM: "xterm" }).endsWith("(ide; 1__2)")).toBe(true);
  });
});

describe("terminalName", () => {
  it("prefers TERM_PROGRAM with its version, then known terminals, then TERM", () => {
    expect(terminalName({ TERM_PROGRAM: "vscode", TERM_PROGRAM_VERSION: "1.95", TERM: "xterm" })).toBe("vscode/1.95");
    expect(terminalName({ WEZTERM_VERSION: "2024", TERM: "xterm" })).toBe("WezTerm/2024");
    expect(terminalName({ TERM: "xterm-256color" })).toBe("xterm-256color");
    expect(terminalName({})).toBe("unknown");
  });
});
