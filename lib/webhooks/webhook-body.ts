import type { WebhookFormat } from "@/lib/vocabulary";

// What a webhook receives, as the exact bytes that are signed and stored with
// the delivery: kobuild's JSON `{event, occurredAt, data}`, or a Slack
// incoming webhook's `{text}` that reads well in a chat.

/** An event's data as emitted; the fields messages use are named, the rest is carried as is. */
export type EventData = Record<string, unknown>;

export function webhookBody(format: WebhookFormat, event: string, occurredAt: Date, data: EventData): string {
  if (format === "slack") return JSON.stringify({ text: slackText(event, data) });
  return JSON.stringify({ event, occurredAt: occurredAt.toISOString(), data });
}

/** Slack's mrkdwn takes &, < and > as markup: they are written as entities. */
export function slackEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const str = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : typeof value === "number" ? String(value) : null);
const link = (url: unknown, label: string) => (str(url) ? `<${str(url)}|${slackEscape(label)}>` : null);
const code = (value: string) => `\`${slackEscape(value.replace(/`/g, "'"))}\``;
/** One line of at most `max` characters: an error may be a whole page of compiler output. */
const clip = (text: string, max = 500) => {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

/** The chat message of an event: what happened, where (build, workspace, branch), why, and a link to look. */
export function slackText(event: string, data: EventData): string {
  const buildId = str(data.buildId);
  const where = [str(data.workspace) ? `workspace *${slackEscape(str(data.workspace)!)}*` : null, str(data.branch) ? `branch ${code(str(data.branch)!)}` : null, str(data.commit) ? `commit ${code(str(data.commit)!.slice(0, 12))}` : null]
    .filter(Boolean)
    .join(", ");
  const lines: string[] = [];
  switch (event) {
    case "build.failed": {
      lines.push(`:x: kobuild: ${str(data.kind) && data.kind !== "drivers" ? `${slackEscape(str(data.kind)!)} ` : ""}build #${buildId ?? "?"} failed${where ? ` (${where})` : ""}`);
      if (str(data.failedStep)) lines.push(`Failed step: ${code(clip(str(data.failedStep)!, 200))}`);
      if (str(data.error)) lines.push(`Error: ${slackEscape(clip(str(data.error)!))}`);
      break;
    }
    case "failures.new": {
      const groups = Array.isArray(data.groups) ? (data.groups as { signature?: unknown; kernels?: unknown }[]) : [];
      lines.push(`:warning: kobuild: build #${buildId ?? "?"} has ${groups.length} new failure signature${groups.length === 1 ? "" : "s"}${where ? ` (${where})` : ""}`);
      for (const group of groups.slice(0, 10)) {
        const kernels = Array.isArray(group.kernels) ? group.kernels.map(String) : [];
        const shown = kernels.slice(0, 5).join(", ") + (kernels.length > 5 ? ` and ${kernels.length - 5} more` : "");
        lines.push(`• ${code(clip(str(group.signature) ?? "(an empty log)", 200))}${kernels.length ? ` on ${slackEscape(shown)}` : ""}`);
      }
      if (groups.length > 10) lines.push(`• and ${groups.length - 10} more`);
      break;
    }
    case "ping":
      lines.push(`:wave: kobuild: ping from webhook #${str(data.webhookId) ?? "?"}: this hook receives kobuild's messages.`);
      break;
    default: {
      lines.push(`kobuild: ${slackEscape(event)}${where ? ` (${where})` : ""}`);
      for (const [key, value] of Object.entries(data)) {
        if (["workspace", "branch", "commit", "url"].includes(key) || str(value) === null) continue;
        lines.push(`${slackEscape(key)}: ${slackEscape(clip(str(value)!))}`);
      }
    }
  }
  const open = link(data.url, buildId ? `Open build #${buildId}` : "Open in kobuild");
  if (open) lines.push(open);
  return lines.join("\n");
}
