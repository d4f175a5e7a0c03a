"use client";

import { useState, useTransition } from "react";
import { Field, FormError, inputClass, submitClass } from "@/components/form-parts";

type ImageChoice = { recordId: number; label: string };
type RegistryChoice = { id: number; name: string; url: string };
type PushResult = { error: string } | { ref: string; digest: string | null };

/** Pushes an image kobuild has read to a configured registry, with the registry's stored credentials. */
export function PushForm({ images, registries, push }: { images: ImageChoice[]; registries: RegistryChoice[]; push: (imageId: number, body: unknown) => Promise<PushResult> }) {
  const [form, setForm] = useState({ image: String(images[0]?.recordId ?? ""), registry: String(registries[0]?.id ?? ""), repository: "drivers/collector-drivers", tag: "" });
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [pushing, startTransition] = useTransition();
  const set = (key: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setForm({ ...form, [key]: e.target.value });
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    setError(null);
    setDone(null);
    startTransition(async () => {
      const result = await push(Number(form.image), { registryId: Number(form.registry), repository: form.repository.trim(), tag: form.tag.trim() });
      if ("error" in result) setError(result.error);
      else setDone(`Pushed ${result.ref}${result.digest ? ` (${result.digest})` : ""}`);
    });
  };
  if (registries.length === 0) return <p className="text-sm">No registry is configured: add one on the Settings page.</p>;
  return (
    <form onSubmit={submit} aria-label="Push an image to a registry" className="grid gap-4 sm:grid-cols-2">
      <Field label="Image">
        {(id) => (
          <select id={id} className={inputClass} value={form.image} onChange={set("image")} required>
            {images.map((i) => (
              <option key={i.recordId} value={i.recordId}>
                {i.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Registry">
        {(id) => (
          <select id={id} className={inputClass} value={form.registry} onChange={set("registry")} required>
            {registries.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name} ({r.url})
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Repository" hint="The path in the registry; the image becomes <address>/<repository>:<tag>.">
        {(id, hintId) => <input id={id} aria-describedby={hintId} className={inputClass} value={form.repository} onChange={set("repository")} required spellCheck={false} />}
      </Field>
      <Field label="Tag">
        {(id) => <input id={id} className={inputClass} value={form.tag} onChange={set("tag")} required placeholder="nightly" spellCheck={false} />}
      </Field>
      <div className="space-y-3 sm:col-span-2">
        <FormError error={error} />
        {done ? (
          <p role="status" className="rounded border border-blue-400 bg-blue-50 p-3 text-sm dark:bg-blue-950/40">
            ✓ {done}
          </p>
        ) : null}
        <button type="submit" className={submitClass} disabled={pushing || images.length === 0}>
          {pushing ? "Pushing…" : "Push"}
        </button>
      </div>
    </form>
  );
}
