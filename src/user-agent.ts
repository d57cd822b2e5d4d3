// `<originator>/<version> (<OS> <OS version>; <arch>) <terminal> (<client name>; <client version>)`:
// initialize's result, getUserAgent's, and the User-Agent of every model request. The version is
// the Codex protocol version we implement, since clients compare it with Codex releases.
import { readFileSync } from "node:fs";
import os from "node:os";
import { originator, threadOriginator, type ClientOrigin } from "./originator.js";
import { CODEX_PROTOCOL_VERSION } from "./version.js";

let suffix: string | undefined;
let platformPart: string | undefined;

/** "<name>; <version>": what a client adds to the User-Agent. */
export function clientSuffix(clientName: string, clientVersion: string): string {
  return `${clientName}; ${clientVersion}`;
}

/** Set by initialize from clientInfo (the latest client's, for model requests). */
export function setUserAgentSuffix(clientName: string, clientVersion: string): void {
  suffix = clientSuffix(clientName, clientVersion);
}

export function resetUserAgentForTests(): void {
  suffix = undefined;
}

/** `client` is one connection's suffix (its getUserAgent); the process-wide one by default. */
export function userAgent(env: NodeJS.ProcessEnv = process.env, client: string | undefined = suffix, head: string = originator(env)): string {
  platformPart ??= `(${osDescription()}; ${os.machine()}) ${terminalName(env)}`;
  const prefix = `${head}/${CODEX_PROTOCOL_VERSION} ${platformPart}`;
  const tail = client?.trim() ? ` (${client.trim()})` : "";
  return sanitize(prefix + tail);
}

/** A thread's model requests: the originator and suffix of the client that started it. */
export function threadUserAgent(env: NodeJS.ProcessEnv, origin: ClientOrigin | undefined): string {
  return origin ? userAgent(env, origin.userAgentSuffix, threadOriginator(origin, env)) : userAgent(env);
}

// Characters a header cannot carry become "_", as the reference does.
function sanitize(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, "_");
}

const DISTRO_NAMES: Record<string, string> = {
  debian: "Debian",
  ubuntu: "Ubuntu",
  fedora: "Fedora",
  centos: "CentOS",
  rhel: "Red Hat Enterprise Linux",
  alpine: "Alpine Linux",
  arch: "Arch Linux",
  opensuse: "openSUSE",
  "opensuse-leap": "openSUSE",
  amzn: "Amazon Linux AMI",
  linuxmint: "Mint",
  nixos: "NixOS",
  pop: "Pop",
};

/** "Debian 12.0.0", "Mac OS 14.5.0", "Windows 10.0.22631": OS name and a three-part version. */
export function osDescription(): string {
  switch (process.platform) {
    case "linux":
      return linuxDescription();
    case "darwin":
      return `Mac OS ${semver(darwinProductVersion() ?? os.release())}`;
    case "win32":
      return `Windows ${semver(os.release())}`;
    default:
      return `${os.type()} ${semver(os.release())}`;
  }
}

function linuxDescription(): string {
  let text = "";
  try {
    text = readFileSync("/etc/os-release", "utf8");
  } catch {
    return `Linux ${semver(os.release())}`;
  }
  const field = (key: string) => new RegExp(`^${key}=("?)(.*)\\1$`, "m").exec(text)?.[2];
  const id = field("ID") ?? "";
  const name = DISTRO_NAMES[id] ?? "Linux";
  const version = field("VERSION_ID");
  return `${name} ${version ? semver(version) : "Rolling Release"}`;
}

function darwinProductVersion(): string | undefined {
  try {
    const plist = readFileSync("/System/Library/CoreServices/SystemVersion.plist", "utf8");
    return /<key>ProductVersion<\/key>\s*<string>([^<]+)<\/string>/.exec(plist)?.[1];
  } catch {
    return undefined;
  }
}

function semver(version: string): string {
  const parts = version.split(/[.-]/).slice(0, 3).map((p) => Number.parseInt(p, 10));
  if (parts.length === 0 || parts.some((n) => Number.isNaN(n))) return version;
  while (parts.length < 3) parts.push(0);
  return parts.join(".");
}

/** The terminal the server runs under, from the variables terminals set. */
export function terminalName(env: NodeJS.ProcessEnv): string {
  const withVersion = (name: string, version: string | undefined) => (version ? `${name}/${version}` : name);
  if (env.TERM_PROGRAM) return withVersion(env.TERM_PROGRAM, env.TERM_PROGRAM_VERSION);
  if (env.WEZTERM_VERSION) return withVersion("WezTerm", env.WEZTERM_VERSION);
  if (env.KITTY_WINDOW_ID || env.TERM?.includes("kitty")) return "kitty";
  if (env.ALACRITTY_SOCKET || env.TERM === "alacritty") return "Alacritty";
  if (env.KONSOLE_VERSION) return withVersion("Konsole", env.KONSOLE_VERSION);
  if (env.GNOME_TERMINAL_SCREEN) return "gnome-terminal";
  if (env.VTE_VERSION) return withVersion("VTE", env.VTE_VERSION);
  if (env.WT_SESSION) return "WindowsTerminal";
  if (env.TERM) return env.TERM;
  return "unknown";
}
