// MCP servers for tests: config.toml entries for the stdio test server (a child of the server under
// test) and a streamable-HTTP test server on 127.0.0.1 in the test process.
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
// @ts-expect-error plain ESM helper shared with benches
import { createTestServer } from "./mcp-test-server.mjs";

export const MCP_TEST_SERVER = fileURLToPath(new URL("./mcp-test-server.mjs", import.meta.url));

/** A `[mcp_servers.<name>]` entry running the stdio test server with `flags`; `extra` adds lines. */
export function stdioServerToml(name: string, flags: string[] = [], extra = ""): string {
  const args = [MCP_TEST_SERVER, ...flags].map((a) => JSON.stringify(a)).join(", ");
  return `\n[mcp_servers.${name}]\ncommand = ${JSON.stringify(process.execPath)}\nargs = [${args}]\n${extra}\n`;
}

export interface HttpMcpServer {
  url: string;
  /** Authorization headers seen, in order. */
  authorizations: (string | undefined)[];
  close(): Promise<void>;
}

/** The test server over streamable HTTP (stateless: one server per request), on 127.0.0.1. */
export async function startHttpMcpServer(): Promise<HttpMcpServer> {
  const authorizations: (string | undefined)[] = [];
  const http: HttpServer = createServer(async (req, res) => {
    authorizations.push(req.headers.authorization);
    const server = createTestServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on("close", () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res);
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    authorizations,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
