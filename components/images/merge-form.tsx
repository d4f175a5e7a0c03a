"use client";

import { useId, useState, useTransition } from "react";
import { mergeBody, togglePicked, type DriversRepoChoice } from "./driver-image-choices";
import { Field, FormError, inputClass, submitClass } from "@/components/form-parts";

type Props = { choices: DriversRepoChoice[]; startMerge: (body: unknown) => Promise<{ error: string }> };

const ordinal = (n: number) => `${n}${n % 10 === 1 && n !== 11 ? "st" : n % 10 === 2 && n !== 12 ? "nd" : n % 10 === 3 && n !== 13 ? "rd" : "th"}`;

/** Merge: a base tag and extra tags of one drivers repository, merged onto the base in the order they are picked. */
export function MergeForm({ choices, startMerge }: Props) {
  const [repo, setRepo] = useState(choices[0]?.repo ?? "kobuild");
  const tags = choices.find((c) => c.repo === repo)?.tags ?? [];
  const [baseTag, setBaseTag] = useState(tags[0] ?? "");
  const [picked, setPicked] = useState<string[]>([]);
  const [tag, setTag] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [starting, startTransition] = useTransition();
  const extrasId = useId();
  const extras = picked.filter((t) => t !== baseTag);

  const chooseRepo = (value: string) => {
    setRepo(value);
    setBaseTag(choices.find((c) => c.repo === value)?.tags[0] ?? "");
    setPicked([]);
  };
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    setError(null);
    startTransition(async () => {
      // Only a refusal comes back: success redirects to the operation's build page.
      const result = await startMerge(mergeBody({ driversRepo: repo, baseTag, picked, tag }));
      if (result?.error) setError(result.error);
    });
  };

  return (
    <form onSubmit={submit} aria-label="Merge driver images" className="space-y-4">
      <Field label="Drivers repository" hint="Dockerfile.merge reads every input as <repository>/collector-drivers:<tag>.">
        {(id, hintId) => (
          <select id={id} aria-describedby={hintId} className={inputClass} value={repo} onChange={(e) => chooseRepo(e.target.value)}>
            {choices.map((c) => (
              <option key={c.repo} value={c.repo}>
                {c.repo}/collector-drivers ({c.tags.length} tag{c.tags.length === 1 ? "" : "s"})
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Base tag (BASE_TAG)" hint="The image the others are copied onto.">
        {(id, hintId) => (
          <select id={id} aria-describedby={hintId} className={inputClass} value={baseTag} onChange={(e) => setBaseTag(e.target.value)} required>
            {tags.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        )}
      </Field>
      <fieldset aria-describedby={`${extrasId}-hint`}>
        <legend className="text-sm font-medium">Extra tags (DRIVER_TAG), merged in the order you pick them</legend>
        <p id={`${extrasId}-hint`} className="text-xs text-slate-600 dark:text-slate-400">
          For a file in both, the later image wins. Merge shards whose tasks do not overlap, as CI does.
        </p>
        <ul className="mt-2 max-h-56 space-y-1 overflow-y-auto rounded border border-slate-200 p-2 dark:border-slate-800">
          {tags.map((t) => {
            const position = extras.indexOf(t);
            return (
              <li key={t}>
                <label className={`flex items-center gap-2 text-sm ${t === baseTag ? "text-slate-500 dark:text-slate-500" : ""}`}>
                  <input type="checkbox" className="size-4" checked={position >= 0} disabled={t === baseTag} onChange={() => setPicked((p) => togglePicked(p, t))} />
                  <span className="font-mono">{t}</span>
                  {position >= 0 ? <span className="rounded bg-blue-100 px-1.5 text-xs font-semibold text-blue-900 dark:bg-blue-900 dark:text-blue-100">merged {ordinal(position + 1)}</span> : null}
                  {t === baseTag ? <span className="text-xs">(base)</span> : null}
                </label>
              </li>
            );
          })}
        </ul>
      </fieldset>
      <Field label="Result tag" hint={<>A tag of this repository, or a whole image reference. Empty: <code className="font-mono">merge-&lt;build id&gt;</code>. It may be the base tag: the result is checked before the tag moves.</>}>
        {(id, hintId) => <input id={id} aria-describedby={hintId} className={inputClass} value={tag} onChange={(e) => setTag(e.target.value)} placeholder={`${baseTag || "all"}`} spellCheck={false} autoComplete="off" />}
      </Field>
      <FormError error={error} />
      <button type="submit" className={submitClass} disabled={starting || !baseTag || extras.length === 0}>
        {starting ? "Starting…" : extras.length ? `Merge ${extras.length} image${extras.length === 1 ? "" : "s"} onto ${baseTag}` : "Pick at least one extra tag"}
      </button>
    </form>
  );
}
