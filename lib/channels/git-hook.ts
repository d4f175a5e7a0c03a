import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { recordAudit } from "@/lib/auth/audit";
import { getDb } from "@/lib/db/client";
import { channels, workspaces } from "@/lib/db/schema";
import { DomainError } from "@/lib/domain-error";
import { env } from "@/lib/env";
import { syncChannel } from "./catch-up";

// A push hook as GitHub and GitLab send them: GitHub signs the exact body
// (X-Hub-Signature-256: sha256=<HMAC-SHA256>), GitLab sends the secret itself
// (X-Gitlab-Token). The push names its repository by several URLs; a channel
// follows it when its workspace's remote is one of them and its branch is the
// one pushed.

const url = z.string().max(2048).optional();
const pushSchema = z.object({
  ref: z.string().min(1).max(1024),
  repository: z.object({ clone_url: url, ssh_url: url, git_url: url, html_url: url, url, git_http_url: url, git_ssh_url: url, homepage: url }).passthrough(),
});

function same(a: Buffer, b: Buffer) {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Whether the hook knows the secret; never says which part was wrong. */
function provesSecret(headers: Headers, body: string, secret: string) {
  const signature = headers.get("x-hub-signature-256");
  if (signature !== null) return same(Buffer.from(signature.trim()), Buffer.from(`sha256=${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`));
  const token = headers.get("x-gitlab-token");
  if (token !== null) return same(Buffer.from(token), Buffer.from(secret));
  return false;
}

/** A remote's URL as pushes and workspaces may both spell it: no trailing slash or `.git`. */
const normalise = (value: string) => value.trim().replace(/\/+$/, "").replace(/\.git$/, "");

export async function receiveGitHook(headers: Headers, body: string) {
  const secret = env().gitHookSecret;
  if (!secret) throw new DomainError("not_found", "git push hooks are off: set KOBUILD_GIT_HOOK_SECRET to receive them");
  if (!provesSecret(headers, body, secret)) throw new DomainError("unauthorized", "the hook did not prove the shared secret (X-Hub-Signature-256 or X-Gitlab-Token)");
  const event = headers.get("x-github-event") ?? headers.get("x-gitlab-event");
  if (event === "ping") return { event, channels: [] };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new DomainError("bad_request", "the body must be JSON");
  }
  const parsed = pushSchema.safeParse(json);
  if (!parsed.success) throw new DomainError("bad_request", `not a push: ${parsed.error.issues[0]!.path.join(".")}: ${parsed.error.issues[0]!.message}`);
  const push = parsed.data;
  if (!push.ref.startsWith("refs/heads/")) return { event, channels: [] };
  const branch = push.ref.slice("refs/heads/".length);
  const urls = new Set(Object.values(push.repository).filter((v): v is string => typeof v === "string" && v !== "").map(normalise));
  const db = getDb();
  const following = db
    .select({ id: channels.id, name: channels.name, branch: channels.branch, url: workspaces.url })
    .from(channels)
    .innerJoin(workspaces, eq(workspaces.id, channels.workspaceId))
    .all()
    .filter((c) => c.branch === branch && c.url !== null && urls.has(normalise(c.url)));
  const results = [];
  for (const channel of following) {
    try {
      const sync = await syncChannel(channel.id, { trigger: "branch", by: null });
      recordAudit({ actor: "git hook", action: "sync channel", target: `${channel.name}: ${branch} pushed${sync.buildId ? `, build ${sync.buildId}` : ""}`, status: 202 });
      results.push({ id: channel.id, name: channel.name, sync });
    } catch (error) {
      results.push({ id: channel.id, name: channel.name, error: (error as Error).message });
    }
  }
  return { event, branch, channels: results };
}
