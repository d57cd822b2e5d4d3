// The redaction registry and URL cleaning every log line and client error message goes through.
import { describe, expect, it } from "vitest";
import { displayUrl, registerSecret, scrubSecrets, scrubValue } from "../../src/logging/redact.js";
import { withoutCredentials } from "../../src/rollout/git-info.js";

describe("redaction", () => {
  it("removes registered secrets in raw and URL-encoded form, but not short values", () => {
    registerSecret("s3cr3t/value+1");
    registerSecret("short");
    expect(scrubSecrets("got s3cr3t/value+1 and s3cr3t%2Fvalue%2B1")).toBe("got [REDACTED] and [REDACTED]");
    expect(scrubSecrets("a short word")).toBe("a short word");
  });

  it("drops credentials and query strings from URLs in text", () => {
    expect(scrubSecrets("error sending request for url (https://u:p@h.example/v1/responses?key=abc&x=1): refused")).toBe(
      "error sending request for url (https://h.example/v1/responses): refused",
    );
    expect(displayUrl(new URL("http://127.0.0.1:9/v1/responses?api-key=z#f"))).toBe("http://127.0.0.1:9/v1/responses");
  });

  it("scrubs every string of a log object, errors included", () => {
    registerSecret("objsecret-123456");
    const out = scrubValue({ err: new Error("failed with objsecret-123456"), nested: { list: ["objsecret-123456"] }, n: 1 });
    expect(JSON.stringify(out)).not.toContain("objsecret-123456");
    expect(out).toMatchObject({ n: 1, nested: { list: ["[REDACTED]"] } });
  });

  it("removes git remote credentials but keeps login users of ssh remotes", () => {
    expect(withoutCredentials("https://x-access-token:tok@github.com/o/r.git")).toBe("https://github.com/o/r.git");
    expect(withoutCredentials("https://ghp_onlytoken@github.com/o/r.git")).toBe("https://github.com/o/r.git");
    expect(withoutCredentials("ssh://git@host/o/r.git")).toBe("ssh://git@host/o/r.git");
    expect(withoutCredentials("git@github.com:o/r.git")).toBe("git@github.com:o/r.git");
  });
});
