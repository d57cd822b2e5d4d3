// The client side of a JSON-RPC conversation, whatever carries it (the server's stdio, a Unix
// socket, a WebSocket): messages kept in order and by notification method, requests matched to
// responses, and waits that wake when a message arrives.
export type JsonObject = Record<string, unknown>;

export interface RpcResponse {
  id: string | number | null;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

export abstract class RpcPeer {
  readonly messages: JsonObject[] = [];
  private readonly byMethod = new Map<string, JsonObject[]>();
  private nextId = 1;
  private listeners: (() => void)[] = [];

  abstract send(message: JsonObject): void;
  /** What a timed-out wait prints to explain itself. */
  protected abstract describe(): string;

  /** Records one received message (the transport calls it), and wakes the waits after `wake()`. */
  protected record(message: JsonObject): void {
    this.messages.push(message);
    if (typeof message.method === "string" && !("id" in message)) {
      const list = this.byMethod.get(message.method);
      if (list) list.push(message);
      else this.byMethod.set(message.method, [message]);
    }
  }

  protected wake(): void {
    for (const wake of this.listeners.splice(0)) wake();
  }

  /** Sends a request and waits for its response. */
  async request(method: string, params?: unknown, timeoutMs = 10_000): Promise<RpcResponse> {
    const id = this.nextId++;
    this.send(params === undefined ? { id, method } : { id, method, params });
    return this.response(id, timeoutMs);
  }

  response(id: string | number | null, timeoutMs = 10_000): Promise<RpcResponse> {
    return this.waitFor(
      () => this.messages.find((m) => m.id === id && ("result" in m || "error" in m)) as RpcResponse | undefined,
      timeoutMs,
      `response to id ${String(id)}`,
    );
  }

  /** Indexed: waits that poll for one kind of notification must not rescan a 100,000-line stream. */
  notifications(method: string): JsonObject[] {
    return [...(this.byMethod.get(method) ?? [])];
  }

  async initialize(name = "test_ide", version = "1.2.3"): Promise<RpcResponse> {
    const res = await this.request("initialize", { clientInfo: { name, title: null, version } });
    this.send({ method: "initialized" });
    return res;
  }

  async waitFor<T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`timed out waiting for ${what}; ${this.describe()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(remaining, 200));
        this.listeners.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}
