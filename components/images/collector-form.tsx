"use client";

import { useState, useTransition } from "react";
import { Field, FormError, inputClass, submitClass } from "@/components/form-parts";
import type { DriversRepoChoice } from "./driver-image-choices";

type Props = { choices: DriversRepoChoice[]; startCollector: (body: unknown) => Promise<{ error: string }> };

/** The full collector image: a `-slim` collector image with one module version's drivers flat in /kernel-modules. */
export function CollectorForm({ choices, startCollector }: Props) {
  const drivers = choices.flatMap((c) => c.tags.map((t) => ({ repo: c.repo, tag: t, value: `${c.repo}/collector-drivers:${t}` })));
  const [form, setForm] = useState({ collectorRepo: "", collectorTag: "", drivers: drivers[0]?.value ?? "", moduleVersion: "", tag: "" });
  const [error, setError] = useState<string | null>(null);
  const [starting, startTransition] = useTransition();
  const chosen = drivers.find((d) => d.value === form.drivers);
  const set = (key: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setForm({ ...form, [key]: e.target.value });

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    if (!chosen) return;
    setError(null);
    startTransition(async () => {
      const body = {
        collectorRepo: form.collectorRepo.trim(),
        collectorTag: form.collectorTag.trim(),
        driversRepo: chosen.repo,
        driversTag: chosen.tag,
        moduleVersion: form.moduleVersion.trim(),
        ...(form.tag.trim() ? { tag: form.tag.trim() } : {}),
      };
      const result = await startCollector(body);
      if (result?.error) setError(result.error);
    });
  };

  return (
    <form onSubmit={submit} aria-label="Build a full collector image" className="grid gap-4 sm:grid-cols-2">
      <Field label="Collector repository (COLLECTOR_REPO)" hint="The collector image without drivers lives at <repository>:<tag>.">
        {(id, hintId) => <input id={id} aria-describedby={hintId} className={inputClass} value={form.collectorRepo} onChange={set("collectorRepo")} placeholder="kobuild/collector" required spellCheck={false} />}
      </Field>
      <Field label="Collector tag (COLLECTOR_TAG)" hint="Usually <version>-slim.">
        {(id, hintId) => <input id={id} aria-describedby={hintId} className={inputClass} value={form.collectorTag} onChange={set("collectorTag")} placeholder="3.11.0-slim" required spellCheck={false} />}
      </Field>
      <Field label="Drivers (DRIVERS_REPO, DRIVERS_TAG)">
        {(id) => (
          <select id={id} className={inputClass} value={form.drivers} onChange={set("drivers")} required>
            {drivers.map((d) => (
              <option key={d.value} value={d.value}>
                {d.value}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Module version (MODULE_VERSION)" hint="Its drivers are copied flat into /kernel-modules.">
        {(id, hintId) => <input id={id} aria-describedby={hintId} className={inputClass} value={form.moduleVersion} onChange={set("moduleVersion")} placeholder="2.2.0" required spellCheck={false} />}
      </Field>
      <div className="sm:col-span-2">
        <Field label="Result tag" hint="Empty: the collector tag with -dockerized in place of -slim.">
          {(id, hintId) => <input id={id} aria-describedby={hintId} className={inputClass} value={form.tag} onChange={set("tag")} spellCheck={false} autoComplete="off" />}
        </Field>
      </div>
      <div className="space-y-3 sm:col-span-2">
        <FormError error={error} />
        <button type="submit" className={submitClass} disabled={starting || !chosen}>
          {starting ? "Starting…" : "Build the collector image"}
        </button>
      </div>
    </form>
  );
}
