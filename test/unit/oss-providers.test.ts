import { describe, expect, it } from "vitest";
import { builtInProviders, ossBaseUrl } from "../../src/config/providers.js";

describe("built-in local providers", () => {
  it("default to the servers' usual ports, ollama (Responses), ollama-chat (chat), lmstudio (Responses)", () => {
    const p = builtInProviders({});
    expect(p.ollama).toMatchObject({ baseUrl: "http://localhost:11434/v1", wireApi: "responses", requiresOpenaiAuth: false });
    expect(p["ollama-chat"]).toMatchObject({ baseUrl: "http://localhost:11434/v1", wireApi: "chat", requiresOpenaiAuth: false });
    expect(p.lmstudio).toMatchObject({ baseUrl: "http://localhost:1234/v1", wireApi: "responses", requiresOpenaiAuth: false });
    for (const id of ["ollama", "ollama-chat", "lmstudio"]) expect(p[id]!.envKey).toBeUndefined();
  });

  it("CODEX_OSS_PORT moves the port; CODEX_OSS_BASE_URL wins over it", () => {
    expect(builtInProviders({ CODEX_OSS_PORT: "8080" }).lmstudio!.baseUrl).toBe("http://localhost:8080/v1");
    expect(builtInProviders({ CODEX_OSS_PORT: "8080", CODEX_OSS_BASE_URL: "http://box:9/v1" })["ollama-chat"]!.baseUrl).toBe("http://box:9/v1");
  });

  it("blank or unparsable values count as unset", () => {
    expect(ossBaseUrl({ CODEX_OSS_BASE_URL: "  ", CODEX_OSS_PORT: "" }, 11434)).toBe("http://localhost:11434/v1");
    expect(ossBaseUrl({ CODEX_OSS_PORT: "99999" }, 1234)).toBe("http://localhost:1234/v1");
    expect(ossBaseUrl({ CODEX_OSS_PORT: "12ab" }, 1234)).toBe("http://localhost:1234/v1");
  });
});
