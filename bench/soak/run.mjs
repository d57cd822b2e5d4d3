// `npm run soak`: long fault and load runs that do not belong in the test suite. Runs every
// scenario module in this folder (each exports `name` and `async run()`, prints its own figures and
// throws when the server misbehaved), one after another.
//   SOAK_ONLY=a,b   only scenarios whose name contains one of these
import { existsSync, readdirSync } from "node:fs";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.join(HERE, "..", "..");

if (!existsSync(path.join(ROOT, "dist/launcher.js"))) {
  const built = spawnSync(process.execPath, ["scripts/build.mjs"], { cwd: ROOT, stdio: "inherit" });
  if (built.status !== 0) throw new Error("build failed");
}

const only = (process.env.SOAK_ONLY ?? "").split(",").map((s) => s.trim()).filter(Boolean);
const files = readdirSync(HERE).filter((f) => f.endsWith(".mjs") && f !== "run.mjs").sort();
for (const file of files) {
  const mod = await import(path.join(HERE, file));
  if (typeof mod.run !== "function") continue;
  const name = mod.name ?? file;
  if (only.length && !only.some((o) => name.includes(o))) continue;
  console.log(`\n## ${name}`);
  const started = Date.now();
  try {
    await mod.run();
    console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (error) {
    console.error(`soak ${name} FAILED: ${error.stack ?? error}`);
    process.exitCode = 1;
  }
}
