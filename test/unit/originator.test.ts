import { afterEach, describe, expect, it } from "vitest";
import {
  DEFAULT_ORIGINATOR,
  ORIGINATOR_OVERRIDE_ENV,
  originator,
  OriginatorError,
  resetOriginatorForTests,
  setDefaultOriginator,
} from "../../src/originator.js";

const noEnv = {};

afterEach(() => resetOriginatorForTests());

function setError(value: string): string | undefined {
  try {
    setDefaultOriginator(value);
    return undefined;
  } catch (e) {
    return e instanceof OriginatorError ? e.kind : String(e);
  }
}

describe("originator", () => {
  it("is codex_cli_rs until set", () => {
    expect(originator(noEnv)).toBe(DEFAULT_ORIGINATOR);
    expect(DEFAULT_ORIGINATOR).toBe("codex_cli_rs");
  });

  it("reading it (as telemetry does at boot) does not stop initialize from setting it", () => {
    for (let i = 0; i < 3; i++) expect(originator(noEnv)).toBe("codex_cli_rs");
    expect(setError("my_ide")).toBeUndefined();
    expect(originator(noEnv)).toBe("my_ide");
  });

  it("can be set once only", () => {
    setDefaultOriginator("first");
    expect(setError("second")).toBe("AlreadyInitialized");
    expect(originator(noEnv)).toBe("first");
  });

  it("rejects values that are not valid header values and stays settable", () => {
    expect(setError("bad\nname")).toBe("InvalidHeaderValue");
    expect(setError("nul\u0000")).toBe("InvalidHeaderValue");
    expect(setError("")).toBe("InvalidHeaderValue");
    expect(setError("emoji 🙂")).toBe("InvalidHeaderValue");
    expect(originator(noEnv)).toBe("codex_cli_rs");
    expect(setError("ok name")).toBeUndefined();
  });

  it("lets the env override win before and after a set", () => {
    const env = { [ORIGINATOR_OVERRIDE_ENV]: "forced" };
    expect(originator(env)).toBe("forced");
    setDefaultOriginator("my_ide");
    expect(originator(env)).toBe("forced");
    expect(originator(noEnv)).toBe("my_ide");
  });
});
