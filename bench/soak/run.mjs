// `npm run soak`: long fault runs, too slow for `npm test` (which keeps bounded versions). Runs
// every scenario file in this directory in turn; a scenario exports `name` and
// `async function run()` returning `{ ok, figures }` (figures: label -> printable value).
//   SOAK_ONLY=a,b   only scenarios whose name contains one of these
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { REPO_ROOT } from "../lib.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));

async function main() {
  // Soak the current sources, as the tests do.
  const built = spawnSync(process.execPath, ["scripts/build.mjs"], { cwd: REPO_ROOT, stdio: "inherit" });
  if (built.status !== 0) throw new Error("build failed");
  const only = (process.env.SOAK_ONLY ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const files = readdirSync(here)
    .filter((f) => f.endsWith(".mjs") && f !== "run.mjs")
    .sort();
  let ran = 0;
  for (const file of files) {
    const scenario = await import(path.join(here, file));
    if (only.length && !only.some((o) => scenario.name.includes(o))) continue;
    ran++;
    const started = Date.now();
    console.log(`== ${scenario.name}`);
    try {
      const { ok, figures } = await scenario.run();
      for (const [label, value] of Object.entries(figures)) console.log(`  ${label.padEnd(44)} ${value}`);
      console.log(`  ${ok ? "ok" : "FAILED"} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      if (!ok) process.exitCode = 1;
    } catch (error) {
      // One failed scenario fails the command but does not hide the others.
      console.log(`  FAILED: ${error.stack ?? error}\n`);
      process.exitCode = 1;
    }
  }
  if (ran === 0) {
    console.error(`SOAK_ONLY=${process.env.SOAK_ONLY} matches no scenario in ${here}`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(error.stack ?? error);
  process.exitCode = 1;
});
