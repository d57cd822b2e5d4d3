// Bundles src/ into dist/ with esbuild. The OpenTelemetry SDK and each exporter land in their own
// chunks, loaded only when [otel] configures them, so start-up parses only what it runs.
import { build } from "esbuild";
import { readFileSync, renameSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}/package.json`, "utf8"));
// Build beside dist/ and swap it in, so a server started meanwhile never sees half a bundle.
const staging = `${root}/dist.build-${process.pid}`;
rmSync(staging, { recursive: true, force: true });

await build({
  entryPoints: { main: `${root}/src/main.ts` },
  outdir: staging,
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

const old = `${root}/dist.old-${process.pid}`;
try {
  renameSync(`${root}/dist`, old);
} catch {
  // No previous build.
}
renameSync(staging, `${root}/dist`);
rmSync(old, { recursive: true, force: true });
