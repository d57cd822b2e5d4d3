// The sandbox policy a command runs under, in the one shape the sandbox module reads: the v1 wire
// `SandboxPolicy` (snake_case, as config.toml and codex core spell it). The other places a policy
// comes from (config.toml's sandbox_mode + [sandbox_workspace_write], v2's camelCase policy) are
// converted here so nothing downstream needs to know which face a turn came through.
import type { SandboxWorkspaceWrite } from "../config/types.js";
import type { SandboxMode } from "../protocol/config.js";
import type { SandboxPolicy } from "../protocol/v1/common.js";
import type { SandboxPolicyV2 } from "../protocol/v2/sandbox.js";

export type { SandboxPolicy };

/** From config.toml: `sandbox_mode` and its `[sandbox_workspace_write]` table. */
export function sandboxPolicyFromConfig(mode: SandboxMode, workspaceWrite: SandboxWorkspaceWrite): SandboxPolicy {
  if (mode !== "workspace-write") return { type: mode };
  return {
    type: "workspace-write",
    writable_roots: [...workspaceWrite.writableRoots],
    network_access: workspaceWrite.networkAccess,
    exclude_tmpdir_env_var: workspaceWrite.excludeTmpdirEnvVar,
    exclude_slash_tmp: workspaceWrite.excludeSlashTmp,
  };
}

/** From a v2 `sandboxPolicy` (turn/start). */
export function sandboxPolicyFromV2(policy: SandboxPolicyV2): SandboxPolicy {
  switch (policy.type) {
    case "dangerFullAccess":
      return { type: "danger-full-access" };
    case "readOnly":
      return { type: "read-only" };
    case "externalSandbox":
      return { type: "external-sandbox", network_access: policy.networkAccess === "enabled" };
    case "workspaceWrite": {
      const out: SandboxPolicy = { type: "workspace-write" };
      if (policy.writableRoots !== undefined) out.writable_roots = [...policy.writableRoots];
      if (policy.networkAccess !== undefined) out.network_access = policy.networkAccess;
      if (policy.excludeTmpdirEnvVar !== undefined) out.exclude_tmpdir_env_var = policy.excludeTmpdirEnvVar;
      if (policy.excludeSlashTmp !== undefined) out.exclude_slash_tmp = policy.excludeSlashTmp;
      return out;
    }
  }
}

/** As v2 reports it (thread/start|resume|fork's `sandbox`), every field spelled out. */
export function sandboxPolicyToV2(policy: SandboxPolicy): SandboxPolicyV2 {
  switch (policy.type) {
    case "danger-full-access":
      return { type: "dangerFullAccess" };
    case "read-only":
      // Read-only never opens the network here.
      return { type: "readOnly", networkAccess: false };
    case "external-sandbox":
      return { type: "externalSandbox", networkAccess: policy.network_access ? "enabled" : "restricted" };
    case "workspace-write": {
      const options = workspaceWriteOptions(policy);
      return {
        type: "workspaceWrite",
        writableRoots: [...options.writableRoots],
        networkAccess: options.networkAccess,
        excludeTmpdirEnvVar: options.excludeTmpdirEnvVar,
        excludeSlashTmp: options.excludeSlashTmp,
      };
    }
  }
}

/**
 * The config-style mode a policy corresponds to, for the places that speak in modes (telemetry,
 * getUserSavedConfig). external-sandbox has no mode: we add no sandbox, as danger-full-access.
 */
export function sandboxModeOf(policy: SandboxPolicy): SandboxMode {
  return policy.type === "external-sandbox" ? "danger-full-access" : policy.type;
}

/** The workspace-write options, as config.toml's table holds them, with the reference's defaults (nothing extra, no network, tmp dirs writable). */
export function workspaceWriteOptions(policy: Extract<SandboxPolicy, { type: "workspace-write" }>): SandboxWorkspaceWrite {
  return {
    writableRoots: policy.writable_roots ?? [],
    networkAccess: policy.network_access ?? false,
    excludeTmpdirEnvVar: policy.exclude_tmpdir_env_var ?? false,
    excludeSlashTmp: policy.exclude_slash_tmp ?? false,
  };
}

/**
 * Whether commands under this policy run without a sandbox of ours: danger-full-access, and
 * external-sandbox (the client says the whole server already runs inside one).
 */
export function isUnsandboxed(policy: SandboxPolicy): boolean {
  return policy.type === "danger-full-access" || policy.type === "external-sandbox";
}

/** Whether the policy lets commands reach the network. */
export function allowsNetwork(policy: SandboxPolicy): boolean {
  switch (policy.type) {
    case "danger-full-access":
      return true;
    case "external-sandbox":
      return policy.network_access ?? false;
    case "read-only":
      return false;
    case "workspace-write":
      return policy.network_access ?? false;
  }
}
