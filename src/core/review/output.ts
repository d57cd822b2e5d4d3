// The model's review answer: the JSON object the guidelines ask for, read leniently (a fenced or
// prose-wrapped object is found inside the text; anything else becomes the explanation), and the
// plain-text rendering a client shows (exitedReviewMode's `review` and the turn's final message).

export interface ReviewFinding {
  title: string;
  body: string;
  confidence_score: number;
  priority: number | null;
  code_location: { absolute_file_path: string; line_range: { start: number; end: number } };
}

export interface ReviewOutput {
  findings: ReviewFinding[];
  overall_correctness: string;
  overall_explanation: string;
  overall_confidence_score: number;
}

export function parseReviewOutput(text: string): ReviewOutput {
  const parsed = jsonObject(text) ?? jsonObject(text.slice(text.indexOf("{"), text.lastIndexOf("}") + 1));
  if (!parsed) return { findings: [], overall_correctness: "", overall_explanation: text.trim(), overall_confidence_score: 0 };
  const findings = Array.isArray(parsed.findings) ? parsed.findings.flatMap((f) => finding(f)) : [];
  return {
    findings,
    overall_correctness: str(parsed.overall_correctness),
    overall_explanation: str(parsed.overall_explanation),
    overall_confidence_score: num(parsed.overall_confidence_score),
  };
}

export function renderReview(output: ReviewOutput): string {
  const parts: string[] = [];
  if (output.overall_explanation.trim()) parts.push(output.overall_explanation.trim());
  if (output.findings.length > 0) {
    parts.push(output.findings.length === 1 ? "Review comment:" : "Full review comments:");
    parts.push(output.findings.map(renderFinding).join("\n\n"));
  }
  return parts.length > 0 ? parts.join("\n\n") : "Reviewer failed to output a response.";
}

function renderFinding(f: ReviewFinding): string {
  const { absolute_file_path: file, line_range: r } = f.code_location;
  const body = f.body.split("\n").map((l) => `  ${l}`).join("\n");
  return `- ${f.title} — ${file}:${r.start}-${r.end}\n${body}`;
}

function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function finding(raw: unknown): ReviewFinding[] {
  if (typeof raw !== "object" || raw === null) return [];
  const f = raw as Record<string, unknown>;
  const loc = (typeof f.code_location === "object" && f.code_location !== null ? f.code_location : {}) as Record<string, unknown>;
  const range = (typeof loc.line_range === "object" && loc.line_range !== null ? loc.line_range : {}) as Record<string, unknown>;
  return [
    {
      title: str(f.title),
      body: str(f.body),
      confidence_score: num(f.confidence_score),
      priority: typeof f.priority === "number" ? f.priority : null,
      code_location: { absolute_file_path: str(loc.absolute_file_path), line_range: { start: num(range.start), end: num(range.end) } },
    },
  ];
}

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);
