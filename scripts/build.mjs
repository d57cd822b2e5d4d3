// Bundles src/ into dist/ with esbuild, one file per load path (each extra ESM file costs start-up):
// - dist/main.js: everything a client needs for its first reply.
// - dist/pino-logger.js: loaded the first time something is logged.
// - dist/telemetry-worker.js + dist/otel-sdk.cjs: the telemetry worker thread, started only when an
//   exporter is configured. The SDK is CommonJS so the worker can load it through a V8 code cache.
import { build } from "esbuild";
import { isBuiltin } from "node:module";
import { readFileSync, renameSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}/package.json`, "utf8"));
// Build beside dist/ and swap it in, so a server started meanwhile never sees half a bundle.
const staging = `${root}/dist.build-${process.pid}`;
rmSync(staging, { recursive: true, force: true });

const common = {
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20.19",
  minify: true,
  sourcemap: "linked",
  legalComments: "linked",
  define: { __APP_VERSION__: JSON.stringify(pkg.version) },
  // Bundled CommonJS packages call require(); give ESM output one.
  banner: { js: "import{createRequire as __cjsRequire}from'node:module';const require=__cjsRequire(import.meta.url);" },
  logLevel: "warning",
};

// Modules main.js loads on demand: left as imports of the sibling files built below.
const onDemand = {
  name: "on-demand-modules",
  setup(b) {
    b.onResolve({ filter: /^\.\/pino-logger\.js$/ }, (args) => ({ path: args.path, external: true }));
  },
};

// The gRPC exporters (≈ 40% of the SDK bundle) stay in node_modules: only gRPC users load them.
const GRPC_PACKAGES = ["@grpc/grpc-js", "@opentelemetry/exporter-logs-otlp-grpc", "@opentelemetry/exporter-metrics-otlp-grpc"];

// otel-sdk.cjs runs in a vm.Script, where import() needs a Node flag: import() of a built-in or of
// an unbundled package becomes a require().
const importAsRequire = {
  name: "import-as-require",
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) =>
      args.kind === "dynamic-import" && (isBuiltin(args.path) || GRPC_PACKAGES.includes(args.path))
        ? { path: args.path, namespace: "required" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "required" }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: "js",
    }));
  },
};

await build({ ...common, entryPoints: { main: `${root}/src/main.ts` }, outdir: staging, plugins: [onDemand] });
await build({
  ...common,
  entryPoints: {
    "telemetry-worker": `${root}/src/telemetry/telemetry-worker.ts`,
    "pino-logger": `${root}/src/logging/pino-logger.ts`,
  },
  outdir: staging,
});
await build({
  ...common,
  format: "cjs",
  banner: {},
  entryPoints: { "otel-sdk": `${root}/src/telemetry/otel-sdk.ts` },
  plugins: [importAsRequire],
  external: GRPC_PACKAGES,
  outExtension: { ".js": ".cjs" },
  outdir: staging,
});

const old = `${root}/dist.old-${process.pid}`;
try {
  renameSync(`${root}/dist`, old);
} catch {
  // No previous build.
}
renameSync(staging, `${root}/dist`);
rmSync(old, { recursive: true, force: true });
