// v2 sandbox policy: what turn/start may override and thread/start|resume|fork report.
import * as s from "../schema.js";

// 0.169's v2 SandboxPolicy. readOnly's networkAccess is accepted but read-only never opens the
// network here (the sandbox module has no such policy); externalSandbox names its network access.
export const SandboxPolicyV2 = s.union([
  s.object({ type: s.literal("dangerFullAccess") }),
  s.object({ type: s.literal("readOnly"), networkAccess: s.optional(s.boolean()) }),
  s.object({
    type: s.literal("workspaceWrite"),
    writableRoots: s.optional(s.array(s.string())),
    networkAccess: s.optional(s.boolean()),
    excludeTmpdirEnvVar: s.optional(s.boolean()),
    excludeSlashTmp: s.optional(s.boolean()),
  }),
  s.object({ type: s.literal("externalSandbox"), networkAccess: s.optional(s.enumOf(["restricted", "enabled"])) }),
]);
export type SandboxPolicyV2 = s.Infer<typeof SandboxPolicyV2>;
