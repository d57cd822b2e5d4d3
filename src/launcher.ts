// The bin's entry: runs dist/main.cjs from a V8 code cache (compiling the server on every launch
// is a measurable share of start-up) and refreshes the cache at exit when it was missing or stale.
// The cache is per user and checked before use: see src/code-cache/.
import { fileURLToPath } from "node:url";
import { requireWithCodeCache } from "./code-cache/require-with-cache.js";

const server = requireWithCodeCache(fileURLToPath(new URL("./main.cjs", import.meta.url)));
// At exit the cache also holds every function this session compiled.
process.once("exit", () => server.saveCache());
