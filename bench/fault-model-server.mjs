// A fake Responses API on 127.0.0.1 that misbehaves on request, for the soak scenarios
// (bench/soak/): each request takes the next scripted reply from a queue; an empty queue answers
// a short text turn. Replies:
//   { kind: "text", text }                    a whole response, the text in one delta
//   { kind: "deltas", count, delta }          count deltas, written in large batches
//   { kind: "error", status, body, headers }  an HTTP error
//   { kind: "cut" }                           headers and two events, then a connection reset
//   { kind: "silent" }                        headers and one event, then nothing (idle timeout)
//   { kind: "stall" }                         no status line at all, the connection kept open
//   { kind: "raw", body }                     literal SSE text (garbage)
//   { kind: "slow", count, delayMs }          count one-word deltas, one every delayMs
//   { kind: "call", callId, command }         a shell function call (argv)
import http from "node:http";

const SSE_HEADERS = { "content-type": "text/event-stream", "cache-control": "no-cache" };
const EVENTS_PER_WRITE = 1000;

export const sseEvent = (event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;

export const GARBAGE =
  "data: this is not json\n\n" +
  'data: {"type": "response.output_text.delta", "delta": \n\n' +
  "data: [1, 2, 3]\n\n" +
  'event: response.something_new\ndata: {"type":"response.something_new","x":{"y":[1]}}\n\n' +
  'data: {"no_type_field": true}\n\n' +
  ": comment\nretry: soon\nnonsense\n\n";

let responses = 0;

function message(id, text) {
  return { type: "message", role: "assistant", id, status: "completed", content: text ? [{ type: "output_text", text, annotations: [] }] : [] };
}

/** The SSE events of a whole text response. */
export function textEvents(text, deltas = [text]) {
  const id = `resp_soak_${++responses}`;
  const item = `msg_soak_${responses}`;
  return [
    { type: "response.created", response: { id } },
    { type: "response.output_item.added", output_index: 0, item: { ...message(item, ""), status: "in_progress" } },
    ...deltas.map((delta) => ({ type: "response.output_text.delta", item_id: item, output_index: 0, content_index: 0, delta })),
    { type: "response.output_item.done", output_index: 0, item: message(item, text) },
    {
      type: "response.completed",
      response: { id, usage: { input_tokens: 1, input_tokens_details: { cached_tokens: 0 }, output_tokens: 1, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 2 } },
    },
  ];
}

async function play(reply, res) {
  switch (reply.kind) {
    case "text":
      res.writeHead(200, SSE_HEADERS).end(textEvents(reply.text).map(sseEvent).join(""));
      return;
    case "error":
      res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers }).end(reply.body);
      return;
    case "raw":
      res.writeHead(200, SSE_HEADERS).end(reply.body);
      return;
    case "cut":
      res.writeHead(200, SSE_HEADERS).write(textEvents("never completes").slice(0, 3).map(sseEvent).join(""));
      setTimeout(() => res.socket?.destroy(), 20);
      return;
    case "silent":
      res.writeHead(200, SSE_HEADERS).write(sseEvent(textEvents("x")[0]));
      return;
    case "stall":
      return;
    case "deltas":
      return playDeltas(reply, res);
    case "slow":
      return playSlow(reply, res);
    case "call":
      res.writeHead(200, SSE_HEADERS).end(callEvents(reply.callId, reply.command).map(sseEvent).join(""));
      return;
    default:
      throw new Error(`unknown reply kind ${reply.kind}`);
  }
}

async function playDeltas({ count, delta }, res) {
  const [created, added, , done, completed] = textEvents("", [""]);
  res.writeHead(200, SSE_HEADERS);
  res.write(sseEvent(created) + sseEvent(added));
  const one = sseEvent({ type: "response.output_text.delta", item_id: added.item.id, output_index: 0, content_index: 0, delta });
  const batch = one.repeat(EVENTS_PER_WRITE);
  for (let left = count; left > 0; left -= EVENTS_PER_WRITE) {
    if (!res.write(left >= EVENTS_PER_WRITE ? batch : one.repeat(left))) await new Promise((r) => res.once("drain", r));
    if (res.destroyed) return;
  }
  // The final item would repeat the whole text; a short one keeps a 600 MB soak from doubling.
  res.end(sseEvent({ ...done, item: message(added.item.id, `${count} deltas`) }) + sseEvent(completed));
}

async function playSlow({ count, delayMs }, res) {
  const words = Array.from({ length: count }, (_, i) => `w${i} `);
  const events = textEvents(words.join(""), words);
  res.writeHead(200, SSE_HEADERS);
  for (const [i, event] of events.entries()) {
    if (i > 0) await new Promise((r) => setTimeout(r, delayMs));
    if (res.destroyed) return;
    res.write(sseEvent(event));
  }
  res.end();
}

function callEvents(callId, command) {
  const id = `resp_soak_${++responses}`;
  const item = { type: "function_call", id: `fc_${callId}`, status: "completed", call_id: callId, name: "shell", arguments: JSON.stringify({ command }) };
  return [
    { type: "response.created", response: { id } },
    { type: "response.output_item.added", output_index: 0, item: { ...item, status: "in_progress", arguments: "" } },
    { type: "response.output_item.done", output_index: 0, item },
    { type: "response.completed", response: { id } },
  ];
}

export async function startFaultModelServer() {
  const queue = [];
  let requests = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      requests++;
      const reply = queue.shift() ?? { kind: "text", text: "ok" };
      play(reply, res).catch(() => res.destroy());
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/v1`,
    enqueue: (...replies) => queue.push(...replies),
    requests: () => requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  };
}
