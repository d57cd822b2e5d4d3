// What a review turn tells the model. The guidelines are our own wording of the reference's review
// rubric (codex-rs/core review_prompt.md); the output schema is the reference's, field for field,
// because clients and the rendering below read those fields. The per-target requests follow the
// reference's meaning (what to diff against) in our words.
import { hardenedGit } from "../../workspace/git-command.js";

export type ReviewTarget =
  | { type: "uncommittedChanges" }
  | { type: "baseBranch"; branch: string }
  | { type: "commit"; sha: string; title?: string | null }
  | { type: "custom"; instructions: string };

export interface ReviewRequest {
  /** The user message the review turn sends. */
  prompt: string;
  /** What the client shows for the review (enteredReviewMode's `review`). */
  hint: string;
}

export const REVIEW_GUIDELINES = `# How to review

You are reviewing a code change someone else wrote. Your job is to find the defects the author would want to know about and fix, and nothing else.

## What counts as a finding

Flag an issue only when all of these hold:
1. It affects correctness, security, performance or maintainability in a way that matters.
2. It is one concrete, fixable problem (not a general remark about the codebase).
3. It was introduced by this change; problems that were already there are out of scope.
4. Fixing it does not demand more rigour than the rest of the codebase shows.
5. You can show it is a problem: name the code that breaks, instead of guessing that something elsewhere might.
6. It is not plainly what the author meant to do.

Report every issue that qualifies, not just the first. When nothing qualifies, report no findings.
Skip style nits unless they hide meaning or break the project's documented conventions. Project instruction files (AGENTS.md and the like) that apply to the changed files take precedence over these general rules.

## How to write a finding

- Title: start with the priority tag, then an imperative summary of at most 80 characters, e.g. "[P1] Guard against an empty list before indexing".
  [P0] blocks a release whatever the inputs; [P1] should be fixed in the next cycle; [P2] normal; [P3] low.
- Body: one short paragraph saying why it is wrong and under which inputs or conditions it fails; matter-of-fact, no praise. Code in backticks, never more than three lines of it.
- Location: the smallest line range that shows the problem (a few lines, never dozens), overlapping the change.
- Also give "priority" as a number (0 to 3) and your confidence as a number from 0 to 1.

Finish with an overall verdict: "patch is correct" when existing code and tests keep working and nothing blocking was found (ignore style, typos and documentation), otherwise "patch is incorrect", with a one to three sentence explanation.

## Output format

Answer with exactly this JSON object and nothing else (no code fences, no prose around it):

{
  "findings": [
    {
      "title": "<= 80 chars, imperative, with the [P0]-[P3] tag>",
      "body": "<Markdown: why this is a problem; cite files, lines, functions>",
      "confidence_score": <float 0.0-1.0>,
      "priority": <int 0-3, optional>,
      "code_location": {
        "absolute_file_path": "<file path>",
        "line_range": {"start": <int>, "end": <int>}
      }
    }
  ],
  "overall_correctness": "patch is correct" | "patch is incorrect",
  "overall_explanation": "<1-3 sentences justifying the verdict>",
  "overall_confidence_score": <float 0.0-1.0>
}

Every finding needs its code_location with absolute_file_path and line_range. Do not write a fix.`;

/** The request and the hint for a target; a base branch is diffed from its merge base with HEAD when git finds one. */
export async function reviewRequest(target: ReviewTarget, cwd: string): Promise<ReviewRequest> {
  switch (target.type) {
    case "uncommittedChanges":
      return {
        prompt: "Review the uncommitted changes in this working tree (staged, unstaged and untracked files) and report prioritized findings.",
        hint: "current changes",
      };
    case "baseBranch": {
      const base = await mergeBase(cwd, target.branch);
      const prompt = base
        ? `Review the changes of this branch against the base branch '${target.branch}'. Their merge base is commit ${base}; run \`git diff ${base}\` to see the changes. Report prioritized, actionable findings.`
        : `Review the changes of this branch against the base branch '${target.branch}'. First find the merge base of HEAD and '${target.branch}' (for example with \`git merge-base HEAD ${target.branch}\`), then run \`git diff\` against it to see what would be merged. Report prioritized, actionable findings.`;
      return { prompt, hint: `changes against '${target.branch}'` };
    }
    case "commit": {
      const short = target.sha.slice(0, 7);
      const title = target.title?.trim();
      return {
        prompt: title
          ? `Review the changes made by commit ${target.sha} ("${title}"). Report prioritized, actionable findings.`
          : `Review the changes made by commit ${target.sha}. Report prioritized, actionable findings.`,
        hint: title ? `commit ${short}: ${title}` : `commit ${short}`,
      };
    }
    case "custom": {
      const text = target.instructions.trim();
      return { prompt: text, hint: text };
    }
  }
}

async function mergeBase(cwd: string, branch: string): Promise<string | undefined> {
  try {
    // The repository may be hostile: git as git-command.ts runs it. `--` keeps a branch name from being read as an option.
    const git = await hardenedGit(cwd, process.env, { timeoutMs: 5_000, maxBuffer: 1024 * 1024 });
    const out = await git(["merge-base", "HEAD", "--", branch]);
    const sha = out.stdout.trim();
    return out.code === 0 && /^[0-9a-f]{7,64}$/.test(sha) ? sha : undefined;
  } catch {
    return undefined;
  }
}
