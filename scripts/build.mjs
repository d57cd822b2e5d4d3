// Bundles src/ into dist/ with esbuild. The OpenTelemetry SDK and each exporter land in their own
// chunks, loaded only when [otel] configures them, so start-up parses only what it runs.
import { build } from "esbuild";
import { readFileSync, rmSync } from "node:fs";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });

await build({
  entryPoints: { main: "src/main.ts" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20.19",
  minify: true,
  sourcemap: "linked",
  legalComments: "linked",
  chunkNames: "chunks/[name]-[hash]",
  define: { __APP_VERSION__: JSON.stringify(pkg.version) },
  // Bundled CommonJS packages call require(); give ESM chunks one.
  banner: { js: "import{createRequire as __cjsRequire}from'node:module';const require=__cjsRequire(import.meta.url);" },
  logLevel: "warning",
});
