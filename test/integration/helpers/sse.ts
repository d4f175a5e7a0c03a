export type SseLog = { id: number; seq: number; text: string };

/** Reads a build's event stream to its `end` event (or its close), as a browser's EventSource would parse it. */
export async function readBuildEvents(response: Response): Promise<{ raw: string; logs: SseLog[]; ended: boolean; endStatus: string | null }> {
  if (!response.body) throw new Error(`no event stream (HTTP ${response.status})`);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const logs: SseLog[] = [];
  let raw = "";
  let buffer = "";
  let endStatus: string | null = null;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    const text = decoder.decode(value, { stream: true });
    raw += text;
    buffer += text;
    let cut: number;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const frame = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const fields = new Map<string, string>();
      for (const line of frame.split("\n")) {
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const name = colon === -1 ? line : line.slice(0, colon);
        const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
        fields.set(name, fields.has(name) ? `${fields.get(name)}\n${value}` : value);
      }
      if (fields.get("event") === "log") {
        const data = JSON.parse(fields.get("data") ?? "null") as { seq: number; text: string };
        logs.push({ id: Number(fields.get("id")), seq: data.seq, text: data.text });
      }
      if (fields.get("event") === "end") endStatus = (JSON.parse(fields.get("data") ?? "{}") as { status?: string }).status ?? null;
    }
    if (endStatus !== null) break;
  }
  await reader.cancel();
  return { raw, logs, ended: endStatus !== null, endStatus };
}
