"use client";

import { useState, useTransition } from "react";
import type { DriversRepoChoice } from "./driver-image-choices";
import { Field, FormError, inputClass, submitClass } from "@/components/form-parts";

type Props = { choices: DriversRepoChoice[]; startSquash: (body: unknown) => Promise<{ error: string }> };

/** Squash: one driver image copied into a fresh base, two layers in all. */
export function SquashForm({ choices, startSquash }: Props) {
  const options = choices.flatMap((c) => c.tags.map((t) => ({ repo: c.repo, tag: t, value: `${c.repo}/collector-drivers:${t}` })));
  const [value, setValue] = useState(options[0]?.value ?? "");
  const [tag, setTag] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [starting, startTransition] = useTransition();
  const chosen = options.find((o) => o.value === value);

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    if (!chosen) return;
    setError(null);
    startTransition(async () => {
      const result = await startSquash({ driversRepo: chosen.repo, driversTag: chosen.tag, ...(tag.trim() ? { tag: tag.trim() } : {}) });
      if (result?.error) setError(result.error);
    });
  };

  return (
    <form onSubmit={submit} aria-label="Squash a driver image" className="space-y-4">
      <Field label="Image to squash (DRIVERS_TAG)" hint="Its /kernel-modules and /FAILURES are copied into a fresh base: two layers, however many merges it had.">
        {(id, hintId) => (
          <select id={id} aria-describedby={hintId} className={inputClass} value={value} onChange={(e) => setValue(e.target.value)} required>
            {options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.value}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Result tag" hint={<>Empty: <code className="font-mono">{chosen ? `${chosen.tag}-squashed` : "<tag>-squashed"}</code>.</>}>
        {(id, hintId) => <input id={id} aria-describedby={hintId} className={inputClass} value={tag} onChange={(e) => setTag(e.target.value)} placeholder={chosen ? `${chosen.tag}-squashed` : ""} spellCheck={false} autoComplete="off" />}
      </Field>
      <FormError error={error} />
      <button type="submit" className={submitClass} disabled={starting || !chosen}>
        {starting ? "Starting…" : "Squash"}
      </button>
    </form>
  );
}
