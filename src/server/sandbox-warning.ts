// At start-up: when the configured sandbox_mode needs a sandbox this machine cannot build, the
// client hears it once as a configWarning (each command is refused with the same reason and fix).
import type { ConfigSource } from "../config/load.js";
import { serverSandbox } from "../sandbox/availability.js";
import { isUnsandboxed, sandboxPolicyFromConfig } from "../sandbox/policy.js";
import { sandboxUnavailableWarning } from "../sandbox/prepare-spawn.js";
import type { ConfigWarningOutbox } from "./config-warnings.js";

export function warnIfSandboxUnavailable(config: ConfigSource, warnings: ConfigWarningOutbox, env: NodeJS.ProcessEnv): Promise<void> {
  const policy = sandboxPolicyFromConfig(config.config.sandboxMode, config.config.sandboxWorkspaceWrite);
  // No sandbox wanted, nothing to detect (and no probe process at start-up).
  if (isUnsandboxed(policy)) return Promise.resolve();
  return serverSandbox(env).then((availability) => {
    const summary = sandboxUnavailableWarning(policy, availability);
    if (summary !== null) warnings.add({ summary });
  });
}
