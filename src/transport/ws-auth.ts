// Who may open a WebSocket: checked on the HTTP upgrade, before any JSON-RPC is read. Modes as the
// reference's `--ws-auth`: capability-token (a token file, or the SHA-256 of the token) and
// signed-bearer-token (an HS256 JWT with the shared secret, issuer, audience, clock skew). Tokens
// are compared as SHA-256 digests with timingSafeEqual, so neither content nor length leaks
// through timing. Beyond the reference, a loopback listener without --ws-auth gets a token made
// for this process (written 0600 to $CODEX_HOME/app-server.token), unless --no-token-check.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { WsAuthFlags } from "../cli.js";

/** Secrets shorter than this are refused at start (the reference's floor for the JWT secret). */
export const MIN_SECRET_BYTES = 32;
/** Capability tokens shorter than this are refused at start (beyond the reference). */
export const MIN_TOKEN_CHARS = 16;
export const TOKEN_FILE_NAME = "app-server.token";

export class WsAuthError extends Error {}

export interface WsAuthenticator {
  /** True when the presented bearer token may connect. */
  verify(token: string | undefined): Promise<boolean>;
}

export interface WsAuthSetup {
  /** Undefined: anyone who can reach the listener connects (--no-token-check on loopback). */
  auth: WsAuthenticator | undefined;
  /** The token this process made, for the connection URL printed on stderr. */
  generatedToken?: string;
  /** Where that token was written. */
  tokenFile?: string;
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

function capability(expected: Buffer): WsAuthenticator {
  return {
    verify: async (token) => token !== undefined && timingSafeEqual(digest(token), expected),
  };
}

function readSecret(file: string, what: string): string {
  try {
    // A trailing newline from `echo` is not part of the secret.
    return readFileSync(file, "utf8").replace(/\r?\n$/, "");
  } catch (error) {
    throw new WsAuthError(`cannot read the ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** Builds the check for the given flags; throws WsAuthError for a setup that must not start. */
export async function setUpWsAuth(flags: WsAuthFlags, options: { loopbackOnly: boolean; codexHome: string }): Promise<WsAuthSetup> {
  if (flags.mode === "capability-token") {
    if (flags.tokenSha256 !== undefined) return { auth: capability(Buffer.from(flags.tokenSha256, "hex")) };
    const token = readSecret(flags.tokenFile!, "capability-token file");
    if (token.length < MIN_TOKEN_CHARS) throw new WsAuthError(`capability token in ${flags.tokenFile} must be at least ${MIN_TOKEN_CHARS} characters`);
    return { auth: capability(digest(token)) };
  }
  if (flags.mode === "signed-bearer-token") {
    const secret = Buffer.from(readSecret(flags.sharedSecretFile!, "shared secret file"), "utf8");
    if (secret.length < MIN_SECRET_BYTES) {
      throw new WsAuthError(`signed websocket bearer secret ${flags.sharedSecretFile} must be at least ${MIN_SECRET_BYTES} bytes`);
    }
    return { auth: await signedBearer(secret, flags) };
  }
  if (!options.loopbackOnly) {
    throw new WsAuthError("refusing to start a non-loopback websocket listener without auth; use --ws-auth capability-token or --ws-auth signed-bearer-token");
  }
  if (flags.noTokenCheck) return { auth: undefined };
  const token = randomBytes(32).toString("base64url");
  const tokenFile = writeTokenFile(options.codexHome, token);
  return { auth: capability(digest(token)), generatedToken: token, tokenFile };
}

async function signedBearer(secret: Buffer, flags: WsAuthFlags): Promise<WsAuthenticator> {
  const { jwtVerify } = await import("jose");
  const key = new Uint8Array(secret);
  return {
    verify: async (token) => {
      if (token === undefined) return false;
      try {
        await jwtVerify(token, key, {
          algorithms: ["HS256"],
          ...(flags.issuer !== undefined ? { issuer: flags.issuer } : {}),
          ...(flags.audience !== undefined ? { audience: flags.audience } : {}),
          clockTolerance: flags.maxClockSkewSeconds ?? 30,
        });
        return true;
      } catch {
        return false;
      }
    },
  };
}

/** Written 0600 through a temporary name, so no reader ever sees a partial or wider-open file. */
function writeTokenFile(codexHome: string, token: string): string {
  mkdirSync(codexHome, { recursive: true, mode: 0o700 });
  const file = path.join(codexHome, TOKEN_FILE_NAME);
  // Unpredictable and exclusive: nothing planted under the name is written through.
  const temp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  writeFileSync(temp, `${token}\n`, { mode: 0o600, flag: "wx" });
  chmodSync(temp, 0o600);
  renameSync(temp, file);
  return file;
}
