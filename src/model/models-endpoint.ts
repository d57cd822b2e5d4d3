// Asks a provider which models it serves: GET {base_url}/models with the headers model requests
// carry. Both listing shapes are read: OpenAI-compatible `{ data: [{ id }] }` (OpenAI, Ollama,
// LM Studio) and Codex's `{ models: [{ slug }] }`. Any failure is undefined: the caller falls back.
import type { ModelProviderInfo } from "../config/types.js";
import { originator } from "../originator.js";
import { userAgent } from "../user-agent.js";
import { resolveAuth } from "./auth.js";
import { providerUrl } from "./streaming-client.js";

/** A picker is waiting: a provider slower than this gets the built-in list. */
const LIST_TIMEOUT_MS = 3_000;
const MAX_BODY_CHARS = 4 * 1024 * 1024;

export async function fetchProviderModels(provider: ModelProviderInfo, codexHome: string, env: NodeJS.ProcessEnv): Promise<string[] | undefined> {
  try {
    const auth = await resolveAuth(provider, { codexHome, env });
    const headers: Record<string, string> = { accept: "application/json", originator: originator(env), "user-agent": userAgent(env) };
    if (auth) headers.authorization = `Bearer ${auth.token}`;
    if (auth?.accountId) headers["chatgpt-account-id"] = auth.accountId;
    for (const [name, value] of Object.entries(provider.httpHeaders)) headers[name.toLowerCase()] = value;
    for (const [name, variable] of Object.entries(provider.envHttpHeaders)) {
      const value = env[variable];
      if (value) headers[name.toLowerCase()] = value;
    }
    const res = await fetch(providerUrl(provider, "models"), { headers, signal: AbortSignal.timeout(LIST_TIMEOUT_MS) });
    if (!res.ok) {
      await res.body?.cancel();
      return undefined;
    }
    const text = await res.text();
    if (text.length > MAX_BODY_CHARS) return undefined;
    return modelIds(JSON.parse(text));
  } catch {
    return undefined;
  }
}

function modelIds(body: unknown): string[] | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const { data, models } = body as { data?: unknown; models?: unknown };
  const list = Array.isArray(data) ? data : Array.isArray(models) ? models : undefined;
  if (!list) return undefined;
  const ids: string[] = [];
  for (const item of list) {
    const id = typeof item === "object" && item !== null ? ((item as { id?: unknown }).id ?? (item as { slug?: unknown }).slug) : undefined;
    if (typeof id === "string" && id !== "") ids.push(id);
  }
  return ids.length > 0 ? ids : undefined;
}
