// The Chat Completions request body: our history (Responses items) as `messages`, our tools in
// chat format. System first (the instructions), then the history in order.
import type { ContentItem, ModelRequest, ResponseItem, ToolSpec } from "./types.js";

type Json = Record<string, unknown>;

interface ChatToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

type ChatMessage =
  | { role: "system" | "user"; content: string | Json[] }
  | { role: "assistant"; content: string | null; tool_calls?: ChatToolCall[] }
  | { role: "tool"; tool_call_id: string; content: string };

export function buildChatRequestBody(request: ModelRequest): string {
  return JSON.stringify({
    model: request.model,
    messages: chatMessages(request.instructions, request.input),
    stream: true,
    // Without it a chat server sends no usage, and the context window cannot be tracked.
    stream_options: { include_usage: true },
    ...(request.tools.length > 0 ? { tools: request.tools.map(chatTool), tool_choice: "auto" } : {}),
    ...(request.maxOutputTokens !== undefined ? { max_tokens: request.maxOutputTokens } : {}),
    ...(request.outputSchema !== undefined
      ? { response_format: { type: "json_schema", json_schema: { name: "codex_output_schema", strict: true, schema: request.outputSchema } } }
      : {}),
  });
}

export function chatTool(tool: ToolSpec): Json {
  // Chat has no freeform tools: one would go as a function taking its text as `input`.
  const parameters = tool.type === "function" ? tool.parameters : FREEFORM_AS_FUNCTION;
  return { type: "function", function: { name: tool.name, description: tool.description, parameters } };
}

const FREEFORM_AS_FUNCTION = { type: "object", properties: { input: { type: "string" } }, required: ["input"], additionalProperties: false };

export function chatMessages(instructions: string, items: readonly ResponseItem[]): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (instructions) messages.push({ role: "system", content: instructions });
  for (const item of items) {
    switch (item.type) {
      case "message":
        if (item.role === "assistant") {
          messages.push({ role: "assistant", content: textOf(item.content) });
        } else {
          // Many local servers know only system/user/assistant/tool: developer context goes as system.
          messages.push({ role: item.role === "user" ? "user" : "system", content: userContent(item.content) });
        }
        break;
      case "function_call":
      case "custom_tool_call": {
        // A freeform call (history from a Responses provider) goes as the function it would be here.
        const args = item.type === "function_call" ? item.arguments : JSON.stringify({ input: item.input });
        const call: ChatToolCall = { id: item.call_id, type: "function", function: { name: item.name, arguments: args } };
        const last = messages[messages.length - 1];
        // Calls of one response belong to one assistant message, before their tool results.
        if (last?.role === "assistant") (last.tool_calls ??= []).push(call);
        else messages.push({ role: "assistant", content: null, tool_calls: [call] });
        break;
      }
      case "function_call_output":
      case "custom_tool_call_output":
        messages.push({ role: "tool", tool_call_id: item.call_id, content: item.output });
        break;
      case "reasoning":
        // Not sent back: chat servers take no reasoning input, and its text would be read as an answer.
        break;
      case "compaction":
        // Only OpenAI's servers, which wrote it, can read it.
        break;
    }
  }
  return messages;
}

function textOf(content: readonly ContentItem[]): string {
  let text = "";
  for (const part of content) if (part.type !== "input_image") text += part.text;
  return text;
}

/** Plain text as a string (what every chat server takes); parts only when there are images. */
function userContent(content: readonly ContentItem[]): string | Json[] {
  if (!content.some((part) => part.type === "input_image")) return textOf(content);
  return content.map((part) =>
    part.type === "input_image" ? { type: "image_url", image_url: { url: part.image_url } } : { type: "text", text: part.text },
  );
}
