// What the model is told about its sandbox: what is actually enforced on this machine, not merely
// what was configured. The writable roots listed are the same ones the bwrap command line binds.
import type { SandboxAvailability } from "./availability.js";
import { allowsNetwork, type SandboxPolicy } from "./policy.js";
import { effectiveWritableRoots, PlantedSymlinkError } from "./writable-roots.js";

/** A few lines for the permissions message of a turn running in `cwd`. */
export async function sandboxInstructions(
  policy: SandboxPolicy,
  cwd: string,
  env: NodeJS.ProcessEnv,
  availability: SandboxAvailability,
): Promise<string> {
  if (policy.type === "danger-full-access") {
    return "Sandbox: none (danger-full-access). Commands run with the user's full permissions: any file the user can write, and the network.";
  }
  if (policy.type === "external-sandbox") {
    const network = allowsNetwork(policy) ? "allowed" : "restricted by that sandbox";
    return `Sandbox: external. The server runs inside a sandbox it does not control and adds none of its own; network: ${network}.`;
  }
  if (!availability.available) {
    return `Sandbox: ${policy.type} was requested but cannot be enforced on this machine (${availability.reason}), so every command is refused until the user fixes that. ${availability.fix}`;
  }
  const network = allowsNetwork(policy) ? "Network access is allowed." : "Network access is blocked (only a private loopback exists).";
  if (policy.type === "read-only") {
    return `Sandbox: read-only, enforced with bubblewrap. Commands can read any file but cannot write anywhere (only /dev/null and similar devices). ${network}`;
  }
  let roots;
  try {
    roots = await effectiveWritableRoots(policy, cwd, env);
  } catch (error) {
    const why = error instanceof PlantedSymlinkError ? error.message : "it does not exist";
    return `Sandbox: workspace-write, enforced with bubblewrap, but the working directory ${cwd} cannot be used (${why}), so commands are refused. ${network}`;
  }
  const lines = [`Sandbox: workspace-write, enforced with bubblewrap. Commands can read any file and write only under:`];
  for (const { root } of roots) lines.push(`- ${root}`);
  const protectedPaths = [...new Set(roots.flatMap((r) => r.readOnlySubpaths))].sort();
  if (protectedPaths.length > 0) lines.push(`These stay read-only even there: ${protectedPaths.join(", ")}.`);
  lines.push(network);
  return lines.join("\n");
}
