// Reproduces a bwrap start-up race by hand (not a test: it needs many tries): spawn bwrap detached,
// kill its process group a few ms later, count runs that leave processes behind. With
// --new-session: 3 of 60 runs left bwrap pid 1, bash and sleep running; without it: 0 of 120.
// Usage: node bench/bwrap-early-kill.mjs
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
const marker = "30." + Math.floor(Math.random() * 1e9);
function alive() { return readdirSync("/proc").filter((e) => /^\d+$/.test(e)).filter((e) => { try { return readFileSync(`/proc/${e}/cmdline`, "utf8").includes(marker) && !readFileSync(`/proc/${e}/stat`,"utf8").split(") ")[1].startsWith("Z"); } catch { return false; } }); }
let left = 0;
for (let i = 0; i < 60; i++) {
  const args = [ ...(process.env.NEW_SESSION ? ["--new-session"] : []), "--die-with-parent", "--ro-bind", "/", "/", "--dev", "/dev", "--unshare-pid", "--unshare-ipc", "--cap-drop", "ALL", "--unshare-net", "--proc", "/proc", "--chdir", "/tmp", "--", "bash", "-c", `sleep ${marker}; echo woke`];
  const c = spawn("/usr/bin/bwrap", args, { detached: true, stdio: "ignore" });
  await new Promise((r) => setTimeout(r, i % 15));
  try { process.kill(-c.pid, "SIGKILL"); } catch {}
  await new Promise((r) => c.on("exit", r));
  await new Promise((r) => setTimeout(r, 300));
  const a = alive(); if (a.length) { left++; console.log("delay", i % 15, "left", a); for (const p of a) try { process.kill(+p, "SIGKILL"); } catch {} }
}
console.log("runs with leftovers:", left);
