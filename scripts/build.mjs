// Bundles src/ into dist/ with esbuild, one file per load path:
// - dist/launcher.js (ESM, tiny): what bin/codex-app-server.js imports; runs main.cjs from a V8
//   code cache.
// - dist/main.cjs: the server. CommonJS so it can run from the code cache, and so built-ins and
//   modules it needs only sometimes (telemetry, the server after boot) are required lazily.
// - dist/pino-logger.cjs: loaded the first time something is logged.
// - dist/telemetry-worker.js + dist/otel-sdk.cjs: the telemetry worker thread, started only when an
//   exporter is configured; the SDK also runs from a code cache.
import { build } from "esbuild";
import { readFileSync, renameSync, rmSync } from "node:fs";
import { isBuiltin } from "node:module";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}/package.json`, "utf8"));
// Build beside dist/ and swap it in, so a server started meanwhile never sees half a bundle.
const staging = `${root}/dist.build-${process.pid}`;
rmSync(staging, { recursive: true, force: true });

const common = {
  bundle: true,
  platform: "node",
  target: "node20.19",
  // BUILD_NO_MINIFY=1 keeps names, for reading a CPU profile of the bin.
  minify: process.env.BUILD_NO_MINIFY !== "1",
  // ASCII output (the rest escaped): src/code-cache/ reads bundles as latin1.
  charset: "ascii",
  sourcemap: "linked",
  legalComments: "linked",
  define: { __APP_VERSION__: JSON.stringify(pkg.version) },
  outdir: staging,
  logLevel: "warning",
};

const esm = {
  ...common,
  format: "esm",
  // Bundled CommonJS packages call require(); give ESM output one.
  banner: { js: "import{createRequire as __cjsRequire}from'node:module';const require=__cjsRequire(import.meta.url);" },
};

const cjs = {
  ...common,
  format: "cjs",
  outExtension: { ".js": ".cjs" },
  define: { ...common.define, "import.meta.url": "__importMetaUrl" },
  banner: { js: "const __importMetaUrl=require('node:url').pathToFileURL(__filename).href;" },
};

// The gRPC exporters (≈ 40% of the SDK bundle) stay in node_modules: only gRPC users load them.
const GRPC_PACKAGES = [
  "@grpc/grpc-js",
  "@opentelemetry/exporter-logs-otlp-grpc",
  "@opentelemetry/exporter-metrics-otlp-grpc",
  "@opentelemetry/exporter-trace-otlp-grpc",
];
// Native addons cannot be bundled: loaded from node_modules when first used.
const NATIVE_PACKAGES = ["node-pty"];
// Our own files that a CommonJS bundle loads on demand, by the name they are built under.
const SIBLINGS = { "./pino-logger.js": "./pino-logger.cjs", "./mcp-sdk.js": "./mcp-sdk.cjs" };

// .cjs bundles run in a vm.Script, where import() needs a Node flag: import() of a built-in, an
// unbundled package or a sibling bundle becomes a require().
const importAsRequire = {
  name: "import-as-require",
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind !== "dynamic-import") return undefined;
      const target = SIBLINGS[args.path] ?? (isBuiltin(args.path) || GRPC_PACKAGES.includes(args.path) || NATIVE_PACKAGES.includes(args.path) ? args.path : undefined);
      return target ? { path: target, namespace: "required" } : undefined;
    });
    b.onLoad({ filter: /.*/, namespace: "required" }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: "js",
    }));
    b.onResolve({ filter: /.*/, namespace: "required" }, (args) => ({ path: args.path, external: true }));
  },
};

// vscode-jsonrpc requires node:crypto at load time (≈ 15 internal modules) for two functions we never
// reach on stdio (random pipe names, UUIDs); its bundled copy gets them lazily.
const lazyCrypto = {
  name: "lazy-crypto-for-vscode-jsonrpc",
  setup(b) {
    b.onResolve({ filter: /^crypto$/ }, (args) =>
      args.importer.includes("vscode-jsonrpc") ? { path: "crypto", namespace: "lazy-crypto" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "lazy-crypto" }, () => ({
      contents: `let real; const load = () => (real ??= require("node:crypto"));
module.exports = { randomUUID: (...a) => load().randomUUID(...a), randomBytes: (...a) => load().randomBytes(...a) };`,
      loader: "js",
    }));
  },
};

await build({ ...esm, entryPoints: { launcher: `${root}/src/launcher.ts` } });
await build({
  ...esm,
  entryPoints: { "telemetry-worker": `${root}/src/telemetry/telemetry-worker.ts` },
});
await build({
  ...cjs,
  entryPoints: {
    main: `${root}/src/main.ts`,
    "pino-logger": `${root}/src/logging/pino-logger.ts`,
    "otel-sdk": `${root}/src/telemetry/otel-sdk.ts`,
    // The MCP client (SDK + zod + ajv): only a server with [mcp_servers] loads it.
    "mcp-sdk": `${root}/src/mcp/mcp-sdk.ts`,
  },
  plugins: [importAsRequire, lazyCrypto],
  external: [...GRPC_PACKAGES, ...NATIVE_PACKAGES],
});

const old = `${root}/dist.old-${process.pid}`;
try {
  renameSync(`${root}/dist`, old);
} catch {
  // No previous build.
}
renameSync(staging, `${root}/dist`);
rmSync(old, { recursive: true, force: true });
