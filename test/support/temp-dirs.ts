// Temporary folders for a test file, removed after each test.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export function useTempDirs(afterEachHook: (fn: () => void) => void, prefix = "codex-test-"): () => string {
  const dirs: string[] = [];
  afterEachHook(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const d = mkdtempSync(path.join(os.tmpdir(), prefix));
    dirs.push(d);
    return d;
  };
}
