// npm run schema: rebuilds the bundle and regenerates the committed JSON Schema in schema/ from it,
// replacing the folder so that types no longer published disappear too.
// test/unit/published-schema.test.ts fails until this has been run after a wire shape changes.
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
execFileSync(process.execPath, ["scripts/build.mjs"], { cwd: root, stdio: "inherit" });
rmSync(`${root}/schema`, { recursive: true, force: true });
execFileSync(process.execPath, ["bin/codex-app-server.js", "generate-json-schema", "--out", "schema"], { cwd: root, stdio: "inherit" });
