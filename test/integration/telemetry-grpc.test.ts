// The OTLP/gRPC exporters (insecure channel to an http:// endpoint, headers sent as metadata)
// deliver the same resource, request metrics and initialize event as OTLP/HTTP does.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startOtlpGrpcReceiver, type OtlpReceiver } from "../support/otlp-receiver.js";
import { ServerProcess } from "../support/server-process.js";

let receiver: OtlpReceiver;
const servers: ServerProcess[] = [];
beforeEach(async () => {
  receiver = await startOtlpGrpcReceiver();
});
afterEach(async () => {
  for (const s of servers.splice(0)) await s.dispose();
  await receiver.close();
});

function otelToml(): string {
  const grpc = `{ otlp-grpc = { endpoint = "${receiver.url}", headers = { "x-otlp-token" = "\${OTLP_TEST_TOKEN}" } } }`;
  return `[otel]
environment = "ci"
exporter = ${grpc}
metrics_exporter = ${grpc}
`;
}

describe("OTLP/gRPC", () => {
  it("exports resource, metadata headers, the initialize event and request metrics per originator", async () => {
    const s = new ServerProcess({ configToml: otelToml(), env: { OTLP_TEST_TOKEN: "tok-grpc" } });
    servers.push(s);
    expect((await s.request("getUserAgent")).error?.message).toBe("Not initialized");
    await s.initialize("grpc_ide", "3.1");
    expect((await s.request("getUserAgent")).result).toBeDefined();
    const { code } = await s.closeStdin();
    // The server's stderr makes a failed export diagnosable from the test output alone.
    expect(code, s.stderr).toBe(0);

    expect(receiver.errors).toEqual([]);
    expect(receiver.requests.length, s.stderr).toBeGreaterThan(0);
    for (const r of receiver.requests) expect(r.headers["x-otlp-token"]).toBe("tok-grpc");

    const points = receiver.metrics.filter((p) => p.name === "codex.app_server.requests");
    expect(points.length, s.stderr).toBeGreaterThan(0);
    for (const p of points) expect(p.resource).toMatchObject({ "service.name": "codex_app_server", env: "ci" });
    const before = points.filter((p) => p.attributes.originator === "codex_cli_rs");
    expect(before).toHaveLength(1);
    expect(before[0]!.attributes).toMatchObject({ method: "getUserAgent", outcome: "error" });
    const after = points.filter((p) => p.attributes.originator === "grpc_ide");
    expect(after.map((p) => [p.attributes.method, p.attributes.outcome]).sort()).toEqual([
      ["getUserAgent", "ok"],
      ["initialize", "ok"],
    ]);

    const event = receiver.logs.find((l) => l.attributes["event.name"] === "codex.app_server.initialize");
    expect(event, s.stderr).toBeDefined();
    expect(event!.attributes).toMatchObject({ "client.name": "grpc_ide" });
  });
});
