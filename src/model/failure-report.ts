// What a client is told when a model request fails for good: the kind of failure (the reference's
// CodexErrorInfo) and a short readable message in the reference's wording. Never the raw body: an
// error page can be megabytes of HTML, and bodies and URLs can echo credentials.
import { STATUS_CODES } from "node:http";
import { scrubSecrets } from "../logging/redact.js";
import type { FailureKind, ModelError } from "./types.js";

export interface FailureReport {
  message: string;
  info: FailureKind;
}

/** The reference caps UI error messages at 2 KiB. */
export const MAX_MESSAGE_LENGTH = 2048;
/** Of the body's own message, the part worth quoting. */
const MAX_DETAIL_LENGTH = 512;

export const CONTEXT_WINDOW_MESSAGE =
  "Codex ran out of room in the model's context window. Start a new conversation or clear earlier history before retrying.";
const USAGE_LIMIT_MESSAGE = "You've hit your usage limit. Try again later.";
const QUOTA_MESSAGE = "Quota exceeded. Check your plan and billing details.";
const USAGE_NOT_INCLUDED_MESSAGE = "To use Codex with your ChatGPT plan, upgrade to Plus: https://openai.com/chatgpt/pricing.";

const USAGE_LIMIT_CODES = new Set(["usage_limit_reached", "insufficient_quota", "usage_not_included"]);

/** The `error` object of an OpenAI-style error body, when the body is one. */
export interface ApiErrorBody {
  message?: string;
  code?: string;
  type?: string;
}

export function parseErrorBody(body: string | undefined): ApiErrorBody | undefined {
  if (!body) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const error = isObject(parsed) && isObject(parsed.error) ? parsed.error : undefined;
  if (!error) return undefined;
  const text = (v: unknown) => (typeof v === "string" && v ? v : undefined);
  const out: ApiErrorBody = {};
  const message = text(error.message);
  const code = text(error.code);
  const type = text(error.type);
  if (message) out.message = message;
  if (code) out.code = code;
  if (type) out.type = type;
  return out;
}

/** A usage-limit answer is final: retrying it only burns the retry budget (the reference does not). */
export function isUsageLimit(status: number, body: string | undefined): boolean {
  if (status !== 429) return false;
  const error = parseErrorBody(body);
  return USAGE_LIMIT_CODES.has(error?.type ?? "") || USAGE_LIMIT_CODES.has(error?.code ?? "");
}

/**
 * The request did not fit the model's context: OpenAI's code, and how OpenAI-compatible servers
 * say it (vLLM: a 400 "maximum context length"; llama.cpp: exceed_context_size_error; proxies: 413).
 */
export function isContextWindowError(status: number, body: string | undefined): boolean {
  if (status === 413) return true;
  if (status !== 400) return false;
  const error = parseErrorBody(body);
  if (error?.code === "context_length_exceeded" || error?.type === "context_length_exceeded" || error?.type === "exceed_context_size_error") return true;
  return /maximum context length|exceeds the available context size|context window/i.test(error?.message ?? "");
}

export function describeModelFailure(error: ModelError): FailureReport {
  const report = classify(error);
  return { ...report, message: cap(scrubSecrets(report.message), MAX_MESSAGE_LENGTH) };
}

function classify(error: ModelError): FailureReport {
  switch (error.kind) {
    case "http":
      return error.status === undefined ? { message: error.message, info: { kind: "other" } } : httpFailure(error.status, error.body);
    case "network":
      return { message: error.message, info: { kind: "httpConnectionFailed", httpStatusCode: null } };
    case "stream_closed":
    case "idle_timeout":
      return { message: error.message, info: { kind: "responseStreamDisconnected", httpStatusCode: null } };
    case "response_failed":
      return responseFailed(error);
    case "incomplete":
    case "auth":
      return { message: error.message, info: { kind: "other" } };
  }
}

function httpFailure(status: number, body: string | undefined): FailureReport {
  const error = parseErrorBody(body);
  const codes = [error?.code, error?.type];
  if (isContextWindowError(status, body)) return { message: CONTEXT_WINDOW_MESSAGE, info: { kind: "contextWindowExceeded" } };
  if (status === 429) {
    if (codes.includes("usage_limit_reached")) return { message: USAGE_LIMIT_MESSAGE, info: { kind: "usageLimitExceeded" } };
    if (codes.includes("insufficient_quota")) return { message: QUOTA_MESSAGE, info: { kind: "usageLimitExceeded" } };
    if (codes.includes("usage_not_included")) return { message: USAGE_NOT_INCLUDED_MESSAGE, info: { kind: "usageLimitExceeded" } };
    // Rate limited until the retries ran out.
    return {
      message: `exceeded retry limit, last status: ${statusLine(status)}`,
      info: { kind: "responseTooManyFailedAttempts", httpStatusCode: status },
    };
  }
  const message = unexpectedStatus(status, error?.message ?? body);
  if (status >= 500) return { message, info: { kind: "internalServerError" } };
  if (status === 401) return { message, info: { kind: "unauthorized" } };
  if (status === 400) return { message, info: { kind: "badRequest" } };
  return { message, info: { kind: "other" } };
}

function responseFailed(error: ModelError): FailureReport {
  switch (error.code) {
    case "context_length_exceeded":
      return { message: CONTEXT_WINDOW_MESSAGE, info: { kind: "contextWindowExceeded" } };
    case "insufficient_quota":
      return { message: QUOTA_MESSAGE, info: { kind: "usageLimitExceeded" } };
    case "usage_limit_reached":
      return { message: USAGE_LIMIT_MESSAGE, info: { kind: "usageLimitExceeded" } };
    case "server_error":
      return { message: error.message, info: { kind: "internalServerError" } };
    default:
      return { message: error.message, info: { kind: "other" } };
  }
}

/** "unexpected status 500 Internal Server Error: <the body's message, on one line, trimmed>". */
function unexpectedStatus(status: number, detail: string | undefined): string {
  const text = cap((detail ?? "").replace(/\s+/g, " ").trim(), MAX_DETAIL_LENGTH);
  return text ? `unexpected status ${statusLine(status)}: ${text}` : `unexpected status ${statusLine(status)}`;
}

function statusLine(status: number): string {
  const reason = STATUS_CODES[status];
  return reason ? `${status} ${reason}` : String(status);
}

function cap(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
