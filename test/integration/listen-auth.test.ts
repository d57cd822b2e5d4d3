// --listen ws:// and unix:// over the real bin: who may connect (the generated loopback token,
// --ws-auth capability-token and signed-bearer-token, Origin refused, non-loopback without auth
// refused), the plain HTTP answers, and the Unix socket's file.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { SignJWT } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import { useServers } from "../support/server-process.js";
import { listening, UnixClient, UpgradeRefused, WsClient, wsAddress } from "../support/socket-client.js";
import { useTempDirs } from "../support/temp-dirs.js";

const start = useServers(afterEach);
const tempDir = useTempDirs(afterEach, "codex-listen-");

async function refusedWith(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof UpgradeRefused) return error.status;
    throw error;
  }
  throw new Error("the upgrade was accepted");
}

async function answers(client: WsClient | UnixClient): Promise<void> {
  expect((await client.initialize("sock_client", "2.0.0")).result).toMatchObject({ userAgent: expect.stringMatching(/\(sock_client; 2\.0\.0\)$/) });
  expect((await client.request("getUserAgent")).result).toBeDefined();
}

describe("ws:// on loopback without --ws-auth", () => {
  it("generates a token: written 0600 to $CODEX_HOME/app-server.token (named on stderr, never printed), required on upgrade", async () => {
    const s = start(listening(["ws://127.0.0.1:0"]));
    const { url, token } = await wsAddress(s);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const file = path.join(s.codexHome, "app-server.token");
    expect(readFileSync(file, "utf8").trim()).toBe(token);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(s.stderr).toContain(`token file: ${file}`);
    expect(s.stderr).not.toContain(token!);

    expect(await refusedWith(WsClient.connect(url))).toBe(401);
    expect(await refusedWith(WsClient.connect(url, { authorization: "Bearer wrong-token" }))).toBe(401);
    expect(await refusedWith(WsClient.connect(`${url}/?token=${token}x`))).toBe(401);
    await answers(await WsClient.connect(url, { authorization: `Bearer ${token}` }));
    await answers(await WsClient.connect(`${url}/?token=${token}`));
    // A browser page (it always sends Origin) is refused even with the token.
    expect(await refusedWith(WsClient.connect(url, { authorization: `Bearer ${token}`, origin: "http://evil.example" }))).toBe(403);
  });

  it("answers GET /readyz and /healthz, and 426 to a plain request", async () => {
    const s = start(listening(["ws://127.0.0.1:0"]));
    const { http } = await wsAddress(s);
    for (const p of ["/readyz", "/healthz"]) {
      const res = await fetch(`${http}${p}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("ok\n");
    }
    expect((await fetch(`${http}/`)).status).toBe(426);
  });

  it("--no-token-check takes any local client; on 0.0.0.0 no-auth refuses to start", async () => {
    const open = start(listening(["ws://127.0.0.1:0"], { args: ["--no-token-check"] }));
    const { url, token } = await wsAddress(open);
    expect(token).toBeUndefined();
    await answers(await WsClient.connect(url));

    for (const args of [[], ["--no-token-check"]]) {
      const wide = start(listening(["ws://0.0.0.0:0"], { args }));
      expect((await wide.exited).code).toBe(1);
      expect(wide.stderr).toMatch(/refusing to start a non-loopback websocket listener without auth/);
    }
  });
});

describe("--ws-auth", () => {
  it("capability-token: the token file's token (or its SHA-256) is required; a short token refuses to start", async () => {
    const dir = tempDir();
    const token = "a-capability-token-of-some-length";
    writeFileSync(path.join(dir, "token"), `${token}\n`);
    const s = start(listening(["ws://127.0.0.1:0"], { args: ["--ws-auth", "capability-token", "--ws-token-file", path.join(dir, "token")] }));
    const { url, token: generated } = await wsAddress(s);
    expect(generated).toBeUndefined();
    expect(await refusedWith(WsClient.connect(url, { authorization: `Bearer ${token.slice(0, -1)}` }))).toBe(401);
    await answers(await WsClient.connect(url, { authorization: `Bearer ${token}` }));

    const sha = createHash("sha256").update(token).digest("hex");
    const bySha = start(listening(["ws://127.0.0.1:0"], { args: ["--ws-auth", "capability-token", "--ws-token-sha256", sha] }));
    const second = await wsAddress(bySha);
    expect(await refusedWith(WsClient.connect(second.url))).toBe(401);
    await answers(await WsClient.connect(second.url, { authorization: `Bearer ${token}` }));

    writeFileSync(path.join(dir, "short"), "abc");
    const short = start(listening(["ws://127.0.0.1:0"], { args: ["--ws-auth", "capability-token", "--ws-token-file", path.join(dir, "short")] }));
    expect((await short.exited).code).toBe(1);
    expect(short.stderr).toMatch(/must be at least 16 characters/);
  });

  it("signed-bearer-token: an HS256 JWT with the issuer and audience; others refused; a short secret refuses to start", async () => {
    const dir = tempDir();
    const secret = "0123456789abcdef0123456789abcdef-secret";
    writeFileSync(path.join(dir, "secret"), secret);
    const s = start(
      listening(["ws://0.0.0.0:0"], {
        args: ["--ws-auth", "signed-bearer-token", "--ws-shared-secret-file", path.join(dir, "secret"), "--ws-issuer", "ide", "--ws-audience", "codex"],
      }),
    );
    const { url } = await wsAddress(s);
    const local = url.replace("0.0.0.0", "127.0.0.1");
    const key = new TextEncoder().encode(secret);
    const jwt = (claims: { iss?: string; aud?: string; exp?: number }, signingKey = key) =>
      new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setIssuer(claims.iss ?? "ide").setAudience(claims.aud ?? "codex").setExpirationTime(claims.exp ?? "5m").sign(signingKey);
    await answers(await WsClient.connect(local, { authorization: `Bearer ${await jwt({})}` }));
    expect(await refusedWith(WsClient.connect(local, { authorization: `Bearer ${await jwt({ aud: "other" })}` }))).toBe(401);
    expect(await refusedWith(WsClient.connect(local, { authorization: `Bearer ${await jwt({ iss: "other" })}` }))).toBe(401);
    expect(await refusedWith(WsClient.connect(local, { authorization: `Bearer ${await jwt({ exp: Math.floor(Date.now() / 1000) - 3600 })}` }))).toBe(401);
    expect(await refusedWith(WsClient.connect(local, { authorization: `Bearer ${await jwt({}, new TextEncoder().encode(`${secret}x`))}` }))).toBe(401);
    expect(await refusedWith(WsClient.connect(local))).toBe(401);

    writeFileSync(path.join(dir, "short"), "too-short");
    const short = start(listening(["ws://127.0.0.1:0"], { args: ["--ws-auth", "signed-bearer-token", "--ws-shared-secret-file", path.join(dir, "short")] }));
    expect((await short.exited).code).toBe(1);
    expect(short.stderr).toMatch(/must be at least 32 bytes/);
  });
});

describe("unix://", () => {
  it("serves on a 0600 socket, replaces a stale one, refuses a live one, and removes it at exit", async () => {
    const dir = tempDir();
    const sock = path.join(dir, "app.sock");
    // A stale socket file: its server was killed before it could remove it.
    spawnSync(process.execPath, ["-e", `require("net").createServer().listen(${JSON.stringify(sock)}, () => process.kill(process.pid, "SIGKILL"))`]);
    expect(existsSync(sock)).toBe(true);
    const s = start(listening([`unix://${sock}`, "ws://127.0.0.1:0"]));
    await s.stderrMatch(/listening on: unix:\/\//);
    expect(statSync(sock).mode & 0o777).toBe(0o600);
    await answers(await UnixClient.connect(sock));
    // Both listeners at once.
    const { url, token } = await wsAddress(s);
    await answers(await WsClient.connect(url, { authorization: `Bearer ${token}` }));

    const second = start(listening([`unix://${sock}`]));
    expect((await second.exited).code).toBe(1);
    expect(second.stderr).toMatch(/another server is listening on/);

    s.child.kill("SIGTERM");
    expect((await s.exited).code).toBe(0);
    expect(existsSync(sock)).toBe(false);
  });

  it("disconnects a client whose unread output passes the cap; other clients go on", async () => {
    const sock = path.join(tempDir(), "app.sock");
    const s = start(listening([`unix://${sock}`], { env: { CODEX_APP_SERVER_MAX_UNREAD_CHARS: "100000" } }));
    await s.stderrMatch(/listening on: unix:\/\//);
    const stuck = await UnixClient.connect(sock);
    await stuck.initialize("stuck", "1");
    const other = await UnixClient.connect(sock);
    await other.initialize("other", "1");
    // Asks and never reads: the replies fill the socket buffers, then the server's queue.
    stuck.socket.pause();
    const burst = Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ id: 1000 + i, method: "getUserAgent" })).join("\n");
    stuck.socket.write(`${burst}\n`);
    await stuck.closed;
    expect((await other.request("getUserAgent")).result).toBeDefined();
  });
});
