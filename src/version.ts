// The package version, inlined by the bundler; tests run from source and read package.json.
import { createRequire } from "node:module";

declare const __APP_VERSION__: string | undefined;

export const APP_VERSION: string =
  typeof __APP_VERSION__ === "string"
    ? __APP_VERSION__
    : (createRequire(import.meta.url)("../package.json") as { version: string }).version;

export const SERVICE_NAME = "codex_app_server";
