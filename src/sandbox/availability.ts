// Whether this machine can enforce a sandbox, decided once per process: a trusted bwrap at a
// fixed location that can actually create its namespaces here. The answer (and the reason when it
// is "no") feeds the refusal of each command, the start-up configWarning and the model's
// instructions, so all three say the same thing.
import { DEFAULT_BWRAP_LOCATIONS, locateBwrap, probeBwrap } from "./bwrap-locate.js";

export type SandboxAvailability =
  | { available: true; mechanism: "bwrap"; bwrapPath: string }
  | { available: false; reason: string; fix: string };

export interface DetectOptions {
  /** Candidate bwrap paths, in order; tests inject their own. */
  locations?: readonly string[];
  /** Defaults to process.platform. */
  platform?: NodeJS.Platform;
}

/**
 * Test hook: CODEX_APP_SERVER_BWRAP_PATHS (colon-separated absolute paths) replaces the fixed bwrap
 * locations. It only narrows where we look: every candidate still has to pass the same ownership
 * check (root-owned, not group/other-writable, all the way up), so it cannot make us run a binary
 * another user controls. Tests point it at a missing file to see the "no sandbox" path.
 */
export const BWRAP_PATHS_ENV = "CODEX_APP_SERVER_BWRAP_PATHS";

export function bwrapLocationsFromEnv(env: NodeJS.ProcessEnv): readonly string[] {
  const raw = env[BWRAP_PATHS_ENV];
  if (raw === undefined || raw === "") return DEFAULT_BWRAP_LOCATIONS;
  return raw.split(":").filter((p) => p !== "");
}

/** This server's sandbox, detected once (cached), honouring the test hook above. */
export function serverSandbox(env: NodeJS.ProcessEnv): Promise<SandboxAvailability> {
  return detectSandbox({ locations: bwrapLocationsFromEnv(env) });
}

const DANGER_FIX = 'or set sandbox_mode = "danger-full-access" to run commands without a sandbox';
const cache = new Map<string, Promise<SandboxAvailability>>();

/** The sandbox this process can use; computed once per set of options and cached. */
export function detectSandbox(options: DetectOptions = {}): Promise<SandboxAvailability> {
  const platform = options.platform ?? process.platform;
  const locations = options.locations ?? DEFAULT_BWRAP_LOCATIONS;
  const key = JSON.stringify([platform, locations]);
  let found = cache.get(key);
  if (!found) {
    found = detectUncached(platform, locations);
    cache.set(key, found);
  }
  return found;
}

async function detectUncached(platform: NodeJS.Platform, locations: readonly string[]): Promise<SandboxAvailability> {
  if (platform !== "linux") {
    return { available: false, reason: `no sandbox mechanism is implemented for ${platform}`, fix: `Run on Linux with bubblewrap, ${DANGER_FIX}.` };
  }
  const located = await locateBwrap(locations);
  if (located.path === null) {
    return {
      available: false,
      reason: `no trusted bubblewrap found (${located.reason})`,
      fix: `Install bubblewrap (apt-get install bubblewrap), ${DANGER_FIX}.`,
    };
  }
  const probe = await probeBwrap(located.path);
  if (!probe.ok) {
    return {
      available: false,
      reason: `bubblewrap at ${located.path} cannot create a sandbox here: ${probe.reason}`,
      fix: `Allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1, or on Ubuntu kernel.apparmor_restrict_unprivileged_userns=0), ${DANGER_FIX}.`,
    };
  }
  return { available: true, mechanism: "bwrap", bwrapPath: located.path };
}
