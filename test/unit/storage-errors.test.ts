// The words a session store failure is reported with (EACCES cannot be produced as root in CI).
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { describeCause, storageError } from "../../src/rollout/storage-errors.js";
import { useTempDirs } from "../support/temp-dirs.js";

const tempDir = useTempDirs(afterEach, "codex-store-");
const errno = (code: string) => Object.assign(new Error(`${code}: boom`), { code });

describe("storage errors", () => {
  it("names permission problems and other causes in words", async () => {
    expect(describeCause(errno("EACCES"))).toBe("permission denied (EACCES)");
    expect(describeCause(errno("EROFS"))).toBe("read-only file system (EROFS)");
    const error = await storageError("cannot list sessions", "/home/u/.codex/sessions", errno("EACCES"));
    expect(error).toMatchObject({ code: "storage", message: "cannot list sessions: /home/u/.codex/sessions: permission denied (EACCES)" });
  });

  it("names the file that stands where a directory must be", async () => {
    const home = tempDir();
    writeFileSync(path.join(home, "sessions"), "");
    const error = await storageError("cannot create the rollout file", path.join(home, "sessions", "2026", "01", "02"), errno("ENOTDIR"));
    expect(error.message).toBe(`cannot create the rollout file: ${path.join(home, "sessions")} is not a directory`);
  });
});
