// Where a patch may be written without asking: the writable roots of the turn's sandbox policy
// (the same roots a sandboxed command could write, `.git` inside them excepted), or anywhere
// under danger-full-access.
import type { SandboxPolicy } from "../sandbox/policy.js";
import { effectiveWritableRoots } from "../sandbox/writable-roots.js";

export async function patchWritableRoots(policy: SandboxPolicy, cwd: string, env: NodeJS.ProcessEnv): Promise<readonly string[] | "anywhere"> {
  switch (policy.type) {
    case "danger-full-access":
    // Something outside this process confines it; it does not confine itself further.
    case "external-sandbox":
      return "anywhere";
    case "read-only":
      return [];
    case "workspace-write":
      return (await effectiveWritableRoots(policy, cwd, env)).map((r) => r.root);
  }
}
