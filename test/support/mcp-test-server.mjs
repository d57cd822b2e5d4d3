// A small MCP server written with the official SDK's server side, for tests and benches. Run as a
// process it serves stdio; `createTestServer()` also backs the streamable-HTTP server of
// mcp-servers.ts. Flags (argv): --marker=<text> (found in /proc by tests), --garbage (non-JSON
// lines on stdout), --no-init (never answers initialize), --exit (dies at once), --start-delay=<ms>,
// --spawn-child (starts a long-lived child process carrying the marker), --stderr-env=<NAME> (writes
// that variable's value to stderr, as a chatty server would).
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { CallToolRequestSchema, ListResourcesRequestSchema, ListResourceTemplatesRequestSchema, ListToolsRequestSchema, ReadResourceRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { spawn } from "node:child_process";
import { pathToFileURL } from "node:url";

const object = (properties = {}, required = []) => ({ type: "object", properties, required });

export const TEST_TOOLS = [
  { name: "echo", description: "Echoes its text", inputSchema: object({ text: { type: "string" } }, ["text"]), annotations: { readOnlyHint: true } },
  { name: "add", description: "Adds two numbers", inputSchema: object({ a: { type: "number" }, b: { type: "number" } }, ["a", "b"]) },
  { name: "fail", description: "Answers with isError", inputSchema: object() },
  { name: "slow", description: "Answers after `ms`, reporting progress", inputSchema: object({ ms: { type: "number" } }) },
  { name: "hang", description: "Never answers", inputSchema: object() },
  { name: "crash", description: "Exits while the call runs", inputSchema: object() },
  { name: "big", description: "Answers with `mb` megabytes of text", inputSchema: object({ mb: { type: "number" } }) },
  { name: "malformed", description: "Answers with a result that is not a CallToolResult", inputSchema: object() },
  { name: "ask", description: "Asks the user (elicitation) and returns the answer", inputSchema: object() },
  { name: "pid", description: "Returns its process id", inputSchema: object() },
  { name: "trace_meta", description: "Returns the trace context its request carried in params._meta", inputSchema: object() },
  { name: "delete_all", description: "Destructive", inputSchema: object(), annotations: { destructiveHint: true } },
  { name: "image", description: "Answers with text, an image and an embedded resource", inputSchema: object() },
  { name: "blocks", description: "Answers with audio, a resource link and fields older clients do not know", inputSchema: object() },
  { name: "nested", description: "Answers with structuredContent whose keys are out of order", inputSchema: object() },
  { name: "dotted.name", description: "A name the model API refuses", inputSchema: object() },
];

/** A 1x1 PNG, base64 (what MCP image blocks carry). */
export const RED_DOT_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";

export function createTestServer() {
  const server = new Server({ name: "codex-test-mcp", version: "1.0.0" }, { capabilities: { tools: {}, resources: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: TEST_TOOLS }));
  server.setRequestHandler(ListResourcesRequestSchema, async () => ({ resources: [{ uri: "mem://hello", name: "hello", mimeType: "text/plain" }] }));
  // Two pages, so a client must follow nextCursor to see both templates.
  server.setRequestHandler(ListResourceTemplatesRequestSchema, async (request) =>
    request.params?.cursor === "page2"
      ? { resourceTemplates: [{ uriTemplate: "mem://notes/{id}", name: "note", title: "A note" }] }
      : { resourceTemplates: [{ uriTemplate: "mem://greeting/{name}", name: "greeting", description: "says hello", mimeType: "text/plain" }], nextCursor: "page2" },
  );
  server.setRequestHandler(ReadResourceRequestSchema, async (request) => {
    if (request.params.uri !== "mem://hello") throw new Error(`no resource ${request.params.uri}`);
    return { contents: [{ uri: "mem://hello", mimeType: "text/plain", text: "hello from a resource" }] };
  });
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const args = request.params.arguments ?? {};
    switch (request.params.name) {
      case "echo":
        return { content: [{ type: "text", text: `echo: ${args.text}` }] };
      case "add":
        return { content: [{ type: "text", text: String(args.a + args.b) }], structuredContent: { sum: args.a + args.b } };
      case "fail":
        return { content: [{ type: "text", text: "it went wrong" }], isError: true };
      case "slow": {
        const token = request.params._meta?.progressToken;
        if (token !== undefined) await extra.sendNotification({ method: "notifications/progress", params: { progressToken: token, progress: 1, total: 2, message: "halfway" } });
        await new Promise((r) => setTimeout(r, Number(args.ms ?? 100)));
        return { content: [{ type: "text", text: "slow done" }] };
      }
      case "hang":
        return new Promise(() => {});
      case "crash":
        setTimeout(() => process.exit(3), 10);
        return new Promise(() => {});
      case "big":
        return { content: [{ type: "text", text: "x".repeat(Math.round(Number(args.mb ?? 100) * 1024 * 1024)) }] };
      case "malformed":
        // Written past the SDK (which checks what it sends): a response that is no CallToolResult.
        process.stdout.write(`${JSON.stringify({ jsonrpc: "2.0", id: extra.requestId, result: { content: "not an array of blocks" } })}\n`);
        return new Promise(() => {});
      case "ask": {
        const answer = await server.elicitInput({ message: "Pick a colour", requestedSchema: { type: "object", properties: { colour: { type: "string" } }, required: ["colour"] } });
        return { content: [{ type: "text", text: JSON.stringify(answer) }] };
      }
      case "image":
        return {
          content: [
            { type: "text", text: "a red dot", _meta: { z: 1, a: 2 }, annotations: { priority: 0.5, audience: ["user"] } },
            { type: "image", data: RED_DOT_PNG, mimeType: "image/png" },
            { type: "resource", resource: { uri: "mem://hello", mimeType: "text/plain", text: "hello from a resource" } },
          ],
        };
      case "blocks":
        return {
          content: [
            { type: "text", text: "t", annotations: { priority: 1 }, extra: "x" },
            { type: "resource", resource: { uri: "mem://a", text: "hi", _meta: { q: 1 } }, _meta: { r: 2 } },
            { type: "resource_link", uri: "file:///x", name: "x", title: "X", size: 3, description: "d", mimeType: "text/plain", icons: [] },
            { type: "audio", data: "AAAA", mimeType: "audio/wav" },
          ],
        };
      case "nested":
        return { content: [{ type: "text", text: "nested" }], structuredContent: { zeta: 1, alpha: { b: 2, a: [{ y: "é", x: null }] }, Beta: true } };
      case "pid":
        return { content: [{ type: "text", text: String(process.pid) }] };
      case "trace_meta": {
        const meta = request.params._meta ?? {};
        return { content: [{ type: "text", text: JSON.stringify({ traceparent: meta.traceparent ?? null, tracestate: meta.tracestate ?? null }) }] };
      }
      default:
        return { content: [{ type: "text", text: `called ${request.params.name}` }] };
    }
  });
  return server;
}

async function main() {
  const flags = new Map(process.argv.slice(2).map((a) => { const [k, v = "true"] = a.replace(/^--/, "").split("="); return [k, v]; }));
  if (flags.has("exit")) process.exit(1);
  if (flags.has("no-init")) {
    process.stdin.resume();
    return;
  }
  if (flags.has("stderr-env")) process.stderr.write(`${flags.get("stderr-env")} is ${process.env[flags.get("stderr-env")]}\n`);
  if (flags.has("start-delay")) await new Promise((r) => setTimeout(r, Number(flags.get("start-delay"))));
  // A helper process of its own (as servers that run npx or a language runtime have), carrying the marker.
  if (flags.has("spawn-child")) spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)", `child-of-${flags.get("marker")}`], { stdio: "ignore" });
  if (flags.has("garbage")) process.stdout.write("this is not JSON\n{\"half\": \n");
  await createTestServer().connect(new StdioServerTransport());
  if (flags.has("garbage")) setInterval(() => process.stdout.write("more garbage\n"), 50).unref();
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await main();
