// OpenTelemetry boots from [otel] before initialize, reads the originator at emit time, and
// flushes on exit: an OTLP/HTTP receiver on 127.0.0.1 sees what the server exported.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startOtlpReceiver, type OtlpReceiver, type ReceivedMetricPoint } from "../support/otlp-receiver.js";
import { ServerProcess } from "../support/server-process.js";

let receiver: OtlpReceiver;
const servers: ServerProcess[] = [];
beforeEach(async () => {
  receiver = await startOtlpReceiver();
});
afterEach(async () => {
  for (const s of servers.splice(0)) await s.dispose();
  await receiver.close();
});

function otelToml(protocol: "binary" | "json", extra = ""): string {
  return `[otel]
environment = "ci"
exporter = { otlp-http = { endpoint = "${receiver.logsUrl}", protocol = "${protocol}", headers = { "x-otlp-token" = "\${OTLP_TEST_TOKEN}" } } }
metrics_exporter = { otlp-http = { endpoint = "${receiver.metricsUrl}", protocol = "${protocol}", headers = { "x-otlp-token" = "\${OTLP_TEST_TOKEN}" } } }
${extra}`;
}

function requestPoints(name: string): ReceivedMetricPoint[] {
  return receiver.metrics.filter((p) => p.name === name);
}

for (const protocol of ["binary", "json"] as const) {
  describe(`OTLP/HTTP ${protocol}`, () => {
    it("exports resource, expanded headers, the initialize event and request metrics whose originator changes at initialize", async () => {
      const s = new ServerProcess({ configToml: otelToml(protocol), env: { OTLP_TEST_TOKEN: "tok-42" } });
      servers.push(s);
      // Before initialize: refused, but counted under the default originator.
      expect((await s.request("getUserAgent")).error?.message).toBe("Not initialized");
      await s.initialize("otel_ide", "3.1");
      expect((await s.request("getUserAgent")).result).toBeDefined();
      const { code } = await s.closeStdin();
      expect(code).toBe(0);

      expect(receiver.errors).toEqual([]);
      const contentType = protocol === "binary" ? "application/x-protobuf" : "application/json";
      expect(receiver.requests.length).toBeGreaterThan(0);
      for (const r of receiver.requests) {
        expect(r.contentType).toContain(contentType);
        expect(r.headers["x-otlp-token"]).toBe("tok-42");
      }

      const points = requestPoints("codex.app_server.requests");
      expect(points.length).toBeGreaterThan(0);
      for (const p of points) {
        expect(p.resource).toMatchObject({ "service.name": "codex_app_server", env: "ci" });
        expect(p.resource["service.version"]).toMatch(/^\d+\.\d+\.\d+/);
      }
      const before = points.find((p) => p.attributes.originator === "codex_cli_rs");
      expect(before).toMatchObject({
        kind: "sum",
        value: 1,
        attributes: { method: "getUserAgent", outcome: "error", "error.code": -32600 },
      });
      const after = points.filter((p) => p.attributes.originator === "otel_ide");
      expect(after.map((p) => [p.attributes.method, p.attributes.outcome, p.value]).sort()).toEqual([
        ["getUserAgent", "ok", 1],
        ["initialize", "ok", 1],
      ]);
      const latency = requestPoints("codex.app_server.request.duration_ms");
      expect(latency.find((p) => p.attributes.method === "initialize")).toMatchObject({ kind: "histogram", count: 1 });

      const event = receiver.logs.find((l) => l.attributes["event.name"] === "codex.app_server.initialize");
      expect(event).toBeDefined();
      expect(event!.resource).toMatchObject({ "service.name": "codex_app_server", env: "ci" });
      expect(event!.attributes).toMatchObject({ "client.name": "otel_ide", "client.version": "3.1", originator: "otel_ide" });
    });
  });
}

describe("telemetry boot", () => {
  it("does not delay the initialize reply while the SDK loads, and loses nothing emitted meanwhile", async () => {
    const s = new ServerProcess({ configToml: otelToml("binary"), env: { OTLP_TEST_TOKEN: "t" } });
    servers.push(s);
    // No waiting for boot: the first request goes out at once.
    await s.initialize("eager_ide", "1");
    await s.closeStdin();
    const init = requestPoints("codex.app_server.requests").find((p) => p.attributes.method === "initialize");
    expect(init?.attributes.originator).toBe("eager_ide");
  });

  it("exports while the session runs (worker thread), and everything at exit", async () => {
    const s = new ServerProcess({ configToml: otelToml("binary"), env: { OTLP_TEST_TOKEN: "t" } });
    servers.push(s);
    await s.initialize("long_ide", "1");
    // Logs are batched for 1 s: seeing one before exit means the worker is up and exporting.
    await receiver.waitFor(() => receiver.logs.some((l) => l.attributes["client.name"] === "long_ide"), 10_000);
    expect(s.child.exitCode).toBeNull();
    for (let i = 0; i < 3; i++) await s.request("getUserAgent");
    expect((await s.closeStdin()).code).toBe(0);
    const ok = requestPoints("codex.app_server.requests").filter(
      (p) => p.attributes.method === "getUserAgent" && p.attributes.outcome === "ok",
    );
    expect(ok.map((p) => p.value)).toContain(3);
    expect(receiver.errors).toEqual([]);
  });

  it("takes [otel] from -c overrides", async () => {
    const s = new ServerProcess({
      args: [
        "-c",
        `otel.metrics_exporter={otlp-http={endpoint="${receiver.metricsUrl}",protocol="json"}}`,
        "-c",
        'otel.environment="from-cli"',
      ],
    });
    servers.push(s);
    await s.initialize();
    await s.closeStdin();
    const point = requestPoints("codex.app_server.requests")[0];
    expect(point?.resource.env).toBe("from-cli");
    expect(receiver.logs).toEqual([]);
  });

  it("keeps serving and exits promptly when the collector is down", async () => {
    const s = new ServerProcess({
      configToml: `[otel]
exporter = { otlp-http = { endpoint = "http://127.0.0.1:9/v1/logs", protocol = "binary" } }
metrics_exporter = { otlp-http = { endpoint = "http://127.0.0.1:9/v1/metrics", protocol = "binary" } }
`,
    });
    servers.push(s);
    await s.initialize();
    for (let i = 0; i < 5; i++) expect((await s.request("getUserAgent")).result).toBeDefined();
    const { code, ms } = await s.closeStdin();
    expect(code).toBe(0);
    expect(ms).toBeLessThan(3_000);
  });
});
