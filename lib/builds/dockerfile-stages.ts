/**
 * The stages of a Dockerfile in order, named as BuildKit names them: the
 * `AS` name, or `stage-<k>` for the k-th (0-based) unnamed stage.
 */
export function parseDockerfileStages(text: string): string[] {
  const stages: string[] = [];
  // Join continuation lines so a FROM split over lines is seen whole.
  const joined = text.replace(/\\\r?\n/g, " ");
  for (const raw of joined.split(/\r?\n/)) {
    const line = raw.trim();
    const m = /^FROM\s+(?:--\S+\s+)*\S+(?:\s+AS\s+(\S+))?\s*$/i.exec(line);
    if (m) stages.push(m[1] ? m[1].toLowerCase() : `stage-${stages.length}`);
  }
  return stages;
}
