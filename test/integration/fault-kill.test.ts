// The server killed mid-turn (while the model streams) or mid-command (while `sleep` runs), by
// SIGTERM or SIGKILL: every rollout stays valid JSONL (SIGKILL may leave a torn last line), a fresh
// process resumes each conversation on both faces and runs a turn, and no command outlives SIGTERM.
import { randomInt } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  completed,
  created,
  functionCallTurn,
  messageEvents,
  slow,
  startFakeModelServer,
  textTurn,
  type FakeModelServer,
  type ScriptedResponse,
} from "../support/fake-model-server.js";
import { killProcessesWith, processesWith } from "../support/processes.js";
import { expectOnlyJsonLines, useServers, type ServerProcess } from "../support/server-process.js";
import { FACES } from "../support/turn-faces.js";
import { fakeProviderToml, startInitialized, useFakeModel } from "../support/v1-session.js";

const fakeModel = useFakeModel(beforeEach, afterEach, startFakeModelServer);
let model: FakeModelServer;
beforeEach(() => {
  model = fakeModel();
});
const start = useServers(afterEach, expectOnlyJsonLines);

// A unique sleep length marks this test's commands in the process table.
let marker = "";
beforeEach(() => {
  marker = `30.${randomInt(1e8, 1e9)}`;
});
afterEach(() => killProcessesWith(marker));

type Moment = "mid-turn" | "mid-command";

function killedTurn(moment: Moment, face: string): ScriptedResponse {
  if (moment === "mid-command") {
    const args = JSON.stringify({ command: ["bash", "-c", `sleep ${marker}; echo woke`] });
    return { kind: "sse", events: functionCallTurn({ callId: `call_${face}`, name: "shell", arguments: args }) };
  }
  const deltas = Array.from({ length: 100 }, (_, i) => `part ${i} `);
  return slow([created(), ...messageEvents(deltas.join(""), { id: `msg_${face}`, deltas }), completed()], 200);
}

/** Every line of every rollout under $CODEX_HOME/sessions parses, bar (when allowed) a torn last one. */
function checkRollouts(codexHome: string, allowTornLastLine: boolean): string[] {
  const files = readdirSync(path.join(codexHome, "sessions"), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".jsonl"))
    .map((f) => path.join(codexHome, "sessions", f));
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    const lines = text.split("\n");
    const last = lines.pop()!; // "" when the file ends with a newline
    if (last !== "") expect(allowTornLastLine, `${file} ends in a torn line`).toBe(true);
    for (const [i, line] of lines.entries()) expect(() => JSON.parse(line), `${file}:${i + 1}`).not.toThrow();
    expect(JSON.parse(lines[0]!).type).toBe("session_meta");
  }
  return files;
}

async function kill(s: ServerProcess, signal: "SIGTERM" | "SIGKILL") {
  s.child.kill(signal);
  const exit = await s.exited;
  if (signal === "SIGKILL") expect(exit.signal).toBe("SIGKILL");
  else expect(exit).toEqual({ code: 0, signal: null });
}

describe("a killed server leaves resumable rollouts", () => {
  for (const signal of ["SIGTERM", "SIGKILL"] as const) {
    for (const moment of ["mid-turn", "mid-command"] as const) {
      it(`${signal} ${moment}`, async () => {
        const toml = fakeProviderToml(model, "", "never");
        const first = await startInitialized(start, toml);
        const opened: { face: (typeof FACES)[number]; rolloutPath: string }[] = [];
        for (const face of FACES) {
          const { id, rolloutPath } = await face.open(first);
          model.enqueue(killedTurn(moment, face.name));
          await face.say(first, id, `the killed turn on ${face.name}`);
          await face.seen(first, id, moment === "mid-turn" ? "delta" : "command");
          opened.push({ face, rolloutPath });
        }
        if (moment === "mid-command") {
          await first.waitFor(() => (processesWith(marker).length >= 2 ? true : undefined), 10_000, "both sleeps to run");
        }
        await kill(first, signal);

        const files = checkRollouts(first.codexHome, signal === "SIGKILL");
        expect(files.sort()).toEqual(opened.map((o) => o.rolloutPath).sort());

        const again = await startInitialized(start, toml, { codexHome: first.codexHome });
        for (const { face, rolloutPath } of opened) {
          const { id } = await face.resume(again, rolloutPath);
          model.enqueue(textTurn(`alive again on ${face.name}`));
          await face.say(again, id, "are you there?");
          expect(await face.turnEnded(again, id, 1)).toMatchObject({ status: "completed", lastAgentMessage: `alive again on ${face.name}` });
          const input = model.requests.at(-1)!.body.input as { type: string; call_id?: string }[];
          expect(JSON.stringify(input)).toContain(`the killed turn on ${face.name}`);
          // A real Responses API rejects a function call that has no output.
          const outputs = new Set(input.filter((i) => i.type === "function_call_output").map((i) => i.call_id));
          for (const call of input.filter((i) => i.type === "function_call")) expect(outputs.has(call.call_id), `output for ${call.call_id}`).toBe(true);
        }
        if (signal === "SIGTERM" && moment === "mid-command") expect(processesWith(marker)).toEqual([]);
      });
    }
  }

  it("SIGKILL mid-command leaves no command running", async () => {
    const first = await startInitialized(start, fakeProviderToml(model, "", "never"));
    const face = FACES[0]!;
    const { id } = await face.open(first);
    model.enqueue(killedTurn("mid-command", face.name));
    await face.say(first, id, "sleep, then die");
    await first.waitFor(() => (processesWith(marker).length >= 2 ? true : undefined), 10_000, "the sleep to run");
    await kill(first, "SIGKILL");
    const gone = await first.waitFor(() => (processesWith(marker).length === 0 ? true : undefined), 5_000, "the command to be killed").catch(() => false);
    expect(gone, `still running: ${processesWith(marker).join(", ")}`).toBe(true);
  });
});

describe("an interrupted command", () => {
  it("is answered 'aborted' in the next request, on both faces", async () => {
    // Sandboxed (the default read-only), so the group kill must reach the command inside bwrap.
    const s = await startInitialized(start, fakeProviderToml(model, "", "never"));
    for (const face of FACES) {
      const { id } = await face.open(s);
      model.enqueue(killedTurn("mid-command", face.name));
      await face.say(s, id, "sleep");
      await face.seen(s, id, "command");
      if (face.name === "v1") expect((await s.request("interruptConversation", { conversationId: id })).error).toBeUndefined();
      else {
        const started = s.notifications("turn/started").map((m) => m.params as { threadId: string; turn: { id: string } });
        const turnId = started.find((p) => p.threadId === id)!.turn.id;
        expect((await s.request("turn/interrupt", { threadId: id, turnId })).error).toBeUndefined();
      }
      expect((await face.turnEnded(s, id, 1)).status).toBe("interrupted");
      model.enqueue(textTurn("next"));
      await face.say(s, id, "again");
      expect((await face.turnEnded(s, id, 2)).status).toBe("completed");
      const input = model.requests.at(-1)!.body.input as { type: string; call_id?: string; output?: string }[];
      expect(input.filter((i) => i.call_id === `call_${face.name}`).map((i) => [i.type, i.output])).toEqual([
        ["function_call", undefined],
        ["function_call_output", "aborted"],
      ]);
    }
    // A sandboxed command dies with its bwrap parent, asynchronously: give the kernel a moment.
    const gone = await s.waitFor(() => (processesWith(marker).length === 0 ? true : undefined), 5_000, "the interrupted commands to end").catch(() => false);
    expect(gone, `still running: ${processesWith(marker).join(", ")}`).toBe(true);
  });
});
