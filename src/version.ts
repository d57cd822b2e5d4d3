// The package version, inlined by the bundler; tests run from source and read package.json.
import { createRequire } from "node:module";

declare const __APP_VERSION__: string | undefined;

export const APP_VERSION: string =
  typeof __APP_VERSION__ === "string"
    ? __APP_VERSION__
    : (createRequire(import.meta.url)("../package.json") as { version: string }).version;

/**
 * The Codex release whose app-server protocol this server implements. It is the version in
 * `userAgent`: clients gate features on it (e.g. "needs >= 0.153.0"), so it names the contract,
 * not this package's own version.
 */
export const CODEX_PROTOCOL_VERSION = "0.169.0";

export const SERVICE_NAME = "codex_app_server";
