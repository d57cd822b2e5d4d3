// Rollouts are shared with the reference codex app-server 0.90: it lists and resumes ours, and we
// list and resume its. Runs only where the reference binary is installed (see README: Performance).
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFakeModelServer, textTurn, type FakeModelServer } from "../support/fake-model-server.js";
import { ServerProcess, useServers, type JsonObject } from "../support/server-process.js";
import { FAKE_ENV, fakeProviderToml, openConversation, say, turnsEnded } from "../support/v1-session.js";

const REFERENCE =
  process.env.CODEX_REFERENCE_BIN ?? "/tmp/ref/node_modules/@openai/codex/vendor/x86_64-unknown-linux-musl/codex/codex";

let model: FakeModelServer;
beforeEach(async () => {
  model = await startFakeModelServer();
});
afterEach(async () => {
  await model.close();
});
const start = useServers(afterEach);

/** The reference spoken to through the same harness. */
function startReference(codexHome: string): ServerProcess {
  return new ServerProcess({ codexHome, command: [REFERENCE, "app-server"], env: FAKE_ENV });
}

describe.skipIf(!existsSync(REFERENCE))("rollouts shared with the reference 0.90", () => {
  it("the reference lists and resumes a conversation we wrote, and we list and resume one it wrote", async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), "compat-"));
    writeFileSync(path.join(home, "config.toml"), fakeProviderToml(model, "", "never"));

    // Ours writes one.
    model.enqueue(textTurn("answer from ours"));
    const ours = start({ codexHome: home, env: FAKE_ENV });
    await ours.initialize("compat_ide", "1");
    const mine = await openConversation(ours, { cwd: home });
    await say(ours, mine.conversationId, "question to ours");
    await turnsEnded(ours);
    expect((await ours.closeStdin()).code).toBe(0);

    // The reference lists and resumes it, then writes one of its own.
    const ref = startReference(home);
    try {
      await ref.initialize("compat_ide", "1");
      const listed = (await ref.request("listConversations", { pageSize: 10 })).result as { items: JsonObject[] };
      expect(listed.items.map((i) => i.conversationId)).toContain(mine.conversationId);
      expect(listed.items.find((i) => i.conversationId === mine.conversationId)).toMatchObject({ preview: "question to ours" });
      const resumed = await ref.request("resumeConversation", { path: mine.rolloutPath }, 30_000);
      expect(resumed.error).toBeUndefined();
      expect(JSON.stringify((resumed.result as JsonObject).initialMessages)).toContain("question to ours");

      model.enqueue(textTurn("answer from the reference"));
      const theirs = (await ref.request("newConversation", { cwd: home }, 30_000)).result as { conversationId: string; rolloutPath: string };
      await ref.request("addConversationListener", { conversationId: theirs.conversationId });
      await say(ref, theirs.conversationId, "question to the reference");
      await turnsEnded(ref);
      await ref.closeStdin();

      // Ours lists and resumes the reference's.
      const again = start({ codexHome: home, env: FAKE_ENV });
      await again.initialize("compat_ide", "1");
      const ourList = (await again.request("listConversations", { pageSize: 10 })).result as { items: JsonObject[] };
      expect(ourList.items.find((i) => i.conversationId === theirs.conversationId)).toMatchObject({ preview: "question to the reference" });
      const back = await again.request("resumeConversation", { conversationId: theirs.conversationId });
      expect(back.error).toBeUndefined();
      model.enqueue(textTurn("continued"));
      await again.request("addConversationListener", { conversationId: theirs.conversationId });
      await say(again, theirs.conversationId, "follow-up");
      await turnsEnded(again);
      const input = JSON.stringify(model.requests.at(-1)!.body.input);
      expect(input).toContain("question to the reference");
      expect(input).toContain("answer from the reference");
    } finally {
      await ref.dispose();
    }
  }, 90_000);
});
