// Where a patch may be written without asking: the writable roots of the turn's sandbox policy
// (the same roots a sandboxed command could write), or anywhere under danger-full-access.
import type { SandboxMode } from "../protocol/config.js";
import { effectiveWritableRoots } from "../sandbox/writable-roots.js";

export interface PatchScopeSettings {
  cwd: string;
  sandboxMode: SandboxMode;
}

export async function patchWritableRoots(settings: PatchScopeSettings, env: NodeJS.ProcessEnv): Promise<readonly string[] | "anywhere"> {
  switch (settings.sandboxMode) {
    case "danger-full-access":
      return "anywhere";
    case "read-only":
      return [];
    case "workspace-write":
      return (await effectiveWritableRoots({ type: "workspace-write" }, settings.cwd, env)).map((r) => r.root);
  }
}
