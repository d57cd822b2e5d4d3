// Which codex 0.169 schema a message on the wire must satisfy, found by its method: the result of a
// client request, a server notification's params, a server request's params. Read from the bundle
// `generate-json-schema` writes (test/fixtures/codex-0.169-schema/codex_app_server_protocol.schemas.json).
// v1 messages (0.90's shapes: `codex/event/*`, `execCommandApproval`, `newConversation`…) are not
// 0.169's contract and get no schema here.
import { loadReferenceSchema, referenceSchemaProblems } from "./reference-schema.js";

type Schema = { [key: string]: unknown };

/** 0.169 still lists these v1 server requests; ours keep 0.90's shape. */
const V1_SERVER_REQUESTS = new Set(["execCommandApproval", "applyPatchApproval"]);

/** Results whose name does not follow `<Params name without Params>Response`. */
const RESULT_NAMES: Record<string, string> = {
  initialize: "#/definitions/InitializeResponse",
  fuzzyFileSearch: "#/definitions/FuzzyFileSearchResponse",
  "config/value/write": "#/definitions/v2/ConfigWriteResponse",
  "config/batchWrite": "#/definitions/v2/ConfigWriteResponse",
  "configRequirements/read": "#/definitions/v2/ConfigRequirementsReadResponse",
  "account/logout": "#/definitions/v2/LogoutAccountResponse",
  "account/rateLimits/read": "#/definitions/v2/GetAccountRateLimitsResponse",
  "config/mcpServer/reload": "#/definitions/v2/McpServerRefreshResponse",
};

interface Contract {
  root: Schema;
  results: Map<string, string>;
  requests: Set<string>;
  notifications: Map<string, string | null>;
  serverRequests: Map<string, string>;
}

let contract: Contract | undefined;

function paramsRefsByMethod(union: Schema): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const member of union.oneOf as Schema[]) {
    const props = member.properties as Record<string, Schema>;
    const method = (props.method!.enum as string[])[0]!;
    out.set(method, (props.params?.$ref as string | undefined) ?? null);
  }
  return out;
}

function load(): Contract {
  if (contract) return contract;
  const root = loadReferenceSchema("codex_app_server_protocol.schemas.json");
  const defs = root.definitions as Record<string, Schema>;
  const v2 = defs.v2 as Record<string, Schema>;
  const results = new Map<string, string>();
  const requests = paramsRefsByMethod(defs.ClientRequest!);
  for (const [method, params] of requests) {
    const named = RESULT_NAMES[method];
    if (named) results.set(method, named);
    else if (params) {
      const name = params.split("/").pop()!.replace(/Params$/, "Response");
      if (v2[name]) results.set(method, `#/definitions/v2/${name}`);
      else if (defs[name]) results.set(method, `#/definitions/${name}`);
    }
  }
  const serverRequests = new Map<string, string>();
  for (const [method, params] of paramsRefsByMethod(defs.ServerRequest!)) {
    if (params && !V1_SERVER_REQUESTS.has(method)) serverRequests.set(method, params);
  }
  contract = { root, results, requests: new Set(requests.keys()), notifications: paramsRefsByMethod(defs.ServerNotification!), serverRequests };
  return contract;
}

function problemsAgainst(ref: string | null, value: unknown, what: string): string[] {
  const { root } = load();
  const problems = ref === null ? (value === undefined ? [] : ["$: params where 0.169 has none"]) : referenceSchemaProblems(root, value, { $ref: ref }, { nullableRequired: true });
  return problems.map((p) => `${what}: ${p}`);
}

/**
 * Known, deliberate departures from 0.169, checked as the nearest 0.169 value: `on-failure` is an
 * approval policy this server still runs (0.90's, set in config.toml); 0.169's v2 no longer lists it.
 */
function tolerated(result: unknown): unknown {
  if (typeof result !== "object" || result === null || (result as { approvalPolicy?: unknown }).approvalPolicy !== "on-failure") return result;
  return { ...result, approvalPolicy: "on-request" };
}

/** Problems of a result to `method`; none for a method that is not 0.169's (v1, or ours alone). */
export function resultProblems(method: string, result: unknown): string[] {
  const { results, requests } = load();
  const ref = results.get(method);
  if (ref !== undefined) return problemsAgainst(ref, tolerated(result), `result of ${method}`);
  // 0.169 has the method but the result's name is not derivable: RESULT_NAMES needs a line.
  return requests.has(method) ? [`result of ${method}: no 0.169 result schema named in test/support/reference-contract.ts`] : [];
}

/** Problems of a notification we sent; v1 ones (not in 0.169's list) have none. */
export function notificationProblems(method: string, params: unknown): string[] {
  const { notifications } = load();
  if (!notifications.has(method)) return [];
  return problemsAgainst(notifications.get(method)!, params, `notification ${method}`);
}

/** Problems of a request the server sent to the client. */
export function serverRequestProblems(method: string, params: unknown): string[] {
  const ref = load().serverRequests.get(method);
  return ref === undefined ? [] : problemsAgainst(ref, params, `server request ${method}`);
}
