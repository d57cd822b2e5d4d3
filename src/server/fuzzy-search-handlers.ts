// fuzzyFileSearch and its session variant. A request naming a cancellationToken cancels the
// earlier request with the same token, which then answers with what it had (possibly nothing),
// never an error. A session keeps its roots' indexes; each sessionUpdate is answered at once and
// its results follow as `fuzzyFileSearch/sessionUpdated` (several while the tree is still being
// walked, with what was found so far) then `fuzzyFileSearch/sessionCompleted`; an update superseded
// by a newer one sends nothing more.
import { stat } from "node:fs/promises";
import { isAbsolute, normalize } from "node:path";
import type * as p from "../protocol/fuzzy-search.js";
import { rpcErrors } from "../rpc/errors.js";
import { FileIndexCache, type FileIndex } from "../workspace/fuzzy/file-index.js";
import { searchIndexes } from "../workspace/fuzzy/search.js";

/** The first partial result goes out this soon, later ones PARTIAL_EVERY_MS apart. */
const FIRST_PARTIAL_MS = 10;
const PARTIAL_EVERY_MS = 200;

export type Notify = (method: string, params: unknown) => void;

interface Session {
  /** Set once the roots are checked; an update sent right behind the start waits for it. */
  readonly ready: Promise<FileIndex[] | undefined>;
  /** The running update, cancelled by the next one or by sessionStop. */
  current?: AbortController;
}

export class FuzzySearchHandlers {
  private readonly cache = new FileIndexCache();
  private readonly byToken = new Map<string, AbortController>();
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly notify: Notify) {}

  async search(params: p.FuzzyFileSearchParams, signal: AbortSignal): Promise<p.FuzzyFileSearchResponse> {
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    signal.addEventListener("abort", onAbort, { once: true });
    // The older request is cancelled as soon as the newer arrives, before anything is awaited.
    const token = typeof params.cancellationToken === "string" ? params.cancellationToken : undefined;
    if (token !== undefined) {
      this.byToken.get(token)?.abort();
      this.byToken.set(token, controller);
    }
    try {
      const roots = await checkRoots("fuzzyFileSearch", params.roots);
      if (controller.signal.aborted) return { files: [] };
      const indexes = roots.map((r) => this.cache.get(r));
      return { files: await searchIndexes(indexes, params.query, controller.signal) };
    } finally {
      signal.removeEventListener("abort", onAbort);
      if (token !== undefined && this.byToken.get(token) === controller) this.byToken.delete(token);
    }
  }

  async sessionStart(params: p.FuzzyFileSearchSessionStartParams): Promise<p.FuzzyFileSearchSessionResponse> {
    // Registered before anything is awaited, so requests are served in the order they came.
    this.stop(params.sessionId);
    const checked = checkRoots("fuzzyFileSearch/sessionStart", params.roots);
    const session: Session = { ready: checked.then((roots) => roots.map((r) => this.cache.get(r)), () => undefined) };
    this.sessions.set(params.sessionId, session);
    // As the reference: an empty result for the empty query, then completion once the walk is done.
    this.run(params.sessionId, session, "");
    try {
      await checked;
    } catch (error) {
      if (this.sessions.get(params.sessionId) === session) this.sessions.delete(params.sessionId);
      throw error;
    }
    return {};
  }

  sessionUpdate(params: p.FuzzyFileSearchSessionUpdateParams): p.FuzzyFileSearchSessionResponse {
    const session = this.sessions.get(params.sessionId);
    if (!session) throw rpcErrors.invalidRequest(`fuzzy file search session not found: ${params.sessionId}`);
    this.run(params.sessionId, session, params.query);
    return {};
  }

  sessionStop(params: p.FuzzyFileSearchSessionStopParams): p.FuzzyFileSearchSessionResponse {
    this.stop(params.sessionId);
    return {};
  }

  shutdown(): void {
    for (const c of this.byToken.values()) c.abort();
    for (const id of [...this.sessions.keys()]) this.stop(id);
    this.cache.clear();
  }

  private run(sessionId: string, session: Session, query: string): void {
    session.current?.abort();
    const controller = new AbortController();
    session.current = controller;
    void (async () => {
      const indexes = await session.ready;
      if (!indexes || controller.signal.aborted) return;
      // While a walk runs, what it found so far goes out (soon, then every PARTIAL_EVERY_MS):
      // first results for a large tree come before the walk ends.
      const walked = Promise.all(indexes.map((i) => i.walked));
      for (let wait = FIRST_PARTIAL_MS; query !== "" && !indexes.every((i) => i.complete); wait = PARTIAL_EVERY_MS) {
        await Promise.race([walked, new Promise((r) => setTimeout(r, wait))]);
        if (controller.signal.aborted) return;
        if (indexes.every((i) => i.complete)) break;
        const sofar = await searchIndexes(indexes, query, controller.signal, true);
        if (controller.signal.aborted) return;
        this.notify("fuzzyFileSearch/sessionUpdated", { sessionId, query, files: sofar } satisfies p.FuzzyFileSearchSessionUpdatedNotification);
      }
      const files = await searchIndexes(indexes, query, controller.signal);
      if (query === "") await walked;
      if (controller.signal.aborted) return;
      this.notify("fuzzyFileSearch/sessionUpdated", { sessionId, query, files } satisfies p.FuzzyFileSearchSessionUpdatedNotification);
      this.notify("fuzzyFileSearch/sessionCompleted", { sessionId } satisfies p.FuzzyFileSearchSessionCompletedNotification);
    })();
  }

  private stop(sessionId: string): void {
    this.sessions.get(sessionId)?.current?.abort();
    this.sessions.delete(sessionId);
  }
}

/** Roots must be absolute paths of existing folders: a bad one is named in the error. */
async function checkRoots(method: string, roots: readonly string[]): Promise<string[]> {
  const checked: string[] = [];
  for (const [i, root] of roots.entries()) {
    if (!isAbsolute(root)) throw rpcErrors.invalidParams(`roots[${i}]`, `must be an absolute path, got ${JSON.stringify(root)}`);
    const path = normalize(root).replace(/(.)\/+$/, "$1");
    const info = await stat(path).catch(() => undefined);
    if (!info?.isDirectory()) throw rpcErrors.invalidRequest(`${method}: ${path}: ${info ? "not a directory" : "no such directory"}`);
    if (!checked.includes(path)) checked.push(path);
  }
  return checked;
}
