"use client";

import { useState, useTransition } from "react";
import { BranchField } from "@/components/build-form/branch-field";
import { Field, inputClass, submitClass } from "@/components/form-parts";
import { useWorkspaceRefs } from "@/components/queries";

/** An input that turns its border red when refused; the message under it says why (the colour is never alone). */
const fieldClass = `${inputClass} aria-invalid:border-2 aria-invalid:border-red-700`;

export type ChannelFormValues = {
  name: string;
  workspaceId: number | null;
  branch: string;
  legacyProbes: boolean;
  image: string;
  registryId: number | null;
  bundleStored: boolean;
  schedule: string;
  /** Empty: the dashboard's default. */
  squashAboveLayers: string;
};

export type ChannelFormChoices = {
  workspaces: { id: number; name: string; defaultBranch: string | null }[];
  registries: { id: number; name: string; url: string }[];
  /** KOBUILD_CHANNEL_SQUASH_ABOVE_LAYERS, shown for an empty threshold. */
  defaultSquashAboveLayers: number;
};

/** What a save answers: nothing more on success; on a refusal the words the API would answer, and the field when known. */
export type ChannelSaveResult = { error: string; field?: string } | { ok: true };

/**
 * Where a refusal belongs: zod names its path (`triggers.schedule`), and the
 * domain's refusals start with the field they are about (`registryId: no
 * registry with id 4`).
 */
export function fieldOfRefusal(result: { error: string; field?: string }): string | null {
  const path = result.field ?? /^([A-Za-z]+(?:\.[A-Za-z]+)*): /.exec(result.error)?.[1];
  return path ?? null;
}

/** The body of POST /api/channels (or, without workspaceId, of PATCH /api/channels/:id) that the form's values make. */
export function channelBody(values: ChannelFormValues, { withWorkspace }: { withWorkspace: boolean }) {
  const threshold = values.squashAboveLayers.trim();
  return {
    name: values.name.trim(),
    ...(withWorkspace ? { workspaceId: values.workspaceId } : {}),
    branch: values.branch.trim(),
    legacyProbes: values.legacyProbes,
    image: values.image.trim(),
    registryId: values.registryId,
    triggers: { bundleStored: values.bundleStored, schedule: values.schedule.trim() || null },
    policy: { squashAboveLayers: threshold === "" ? null : Number(threshold) },
  };
}

const FIELD_OF: Record<string, keyof ChannelFormValues> = {
  name: "name",
  workspaceId: "workspaceId",
  branch: "branch",
  legacyProbes: "legacyProbes",
  image: "image",
  registryId: "registryId",
  "triggers.bundleStored": "bundleStored",
  "triggers.schedule": "schedule",
  "policy.squashAboveLayers": "squashAboveLayers",
  "policy": "squashAboveLayers",
  "triggers": "schedule",
};

/** The error shown under one field. */
function FieldError({ id, text }: { id: string; text: string | null }) {
  if (!text) return null;
  return (
    <p id={id} className="mt-1 text-sm font-medium text-red-800 dark:text-red-300">
      <span aria-hidden="true">⚠ </span>
      {text}
    </p>
  );
}

/**
 * A channel's form, to add one (workspace chosen here) or change one (its
 * workspace stays). The branch is offered from the workspace's branches and
 * tags as on the build form; a refusal is shown under the field it is about.
 */
export function ChannelForm({
  choices,
  initial,
  mode,
  save,
  onSaved,
  onCancel,
}: {
  choices: ChannelFormChoices;
  initial: ChannelFormValues;
  mode: "create" | "edit";
  save: (body: unknown) => Promise<ChannelSaveResult>;
  onSaved?: () => void;
  onCancel?: () => void;
}) {
  const [values, setValues] = useState<ChannelFormValues>(initial);
  const [refusal, setRefusal] = useState<{ text: string; field: keyof ChannelFormValues | null } | null>(null);
  const [saving, startTransition] = useTransition();
  const refs = useWorkspaceRefs(values.workspaceId);
  const set = <K extends keyof ChannelFormValues>(key: K, value: ChannelFormValues[K]) => setValues((v) => ({ ...v, [key]: value }));
  const prefix = mode === "create" ? "new-channel" : `edit-channel-${initial.name}`;
  const errorId = (field: keyof ChannelFormValues) => `${prefix}-${field}-error`;
  const errorOf = (field: keyof ChannelFormValues) => (refusal?.field === field ? refusal.text : null);
  const invalid = (field: keyof ChannelFormValues) => (refusal?.field === field ? true : undefined);
  const described = (field: keyof ChannelFormValues, hintId?: string) => [hintId, refusal?.field === field ? errorId(field) : null].filter(Boolean).join(" ") || undefined;

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    setRefusal(null);
    startTransition(async () => {
      const result = await save(channelBody(values, { withWorkspace: mode === "create" }));
      if ("error" in result) {
        const path = fieldOfRefusal(result);
        const field = path ? (FIELD_OF[path] ?? FIELD_OF[path.split(".")[0]!] ?? null) : null;
        // The field's name is said by where the message stands; the rest of it is the reason.
        setRefusal({ text: field && path ? result.error.replace(new RegExp(`^${path.replace(".", "\\.")}: `), "") : result.error, field });
        return;
      }
      if (mode === "create") setValues(initial);
      onSaved?.();
    });
  };

  const chooseWorkspace = (id: number) => {
    const workspace = choices.workspaces.find((w) => w.id === id);
    setValues((v) => ({ ...v, workspaceId: id, branch: workspace?.defaultBranch ?? "" }));
  };

  return (
    <form onSubmit={submit} noValidate aria-label={mode === "create" ? "Add a channel" : `Change channel ${initial.name}`} className="grid gap-4 sm:grid-cols-2">
      <div>
        <Field label="Name" hint="Letters, digits and _ . -">
          {(id, hintId) => (
            <input id={id} className={fieldClass} value={values.name} onChange={(e) => set("name", e.target.value)} aria-invalid={invalid("name")} aria-describedby={described("name", hintId)} autoComplete="off" spellCheck={false} required />
          )}
        </Field>
        <FieldError id={errorId("name")} text={errorOf("name")} />
      </div>
      <div>
        <Field label="Workspace" hint={mode === "edit" ? "A channel keeps its workspace: add another channel for another one." : undefined}>
          {(id, hintId) => (
            <select
              id={id}
              className={fieldClass}
              value={values.workspaceId ?? ""}
              onChange={(e) => chooseWorkspace(Number(e.target.value))}
              disabled={mode === "edit"}
              aria-invalid={invalid("workspaceId")}
              aria-describedby={described("workspaceId", mode === "edit" ? hintId : undefined)}
              required
            >
              {values.workspaceId === null ? <option value="">Choose a workspace</option> : null}
              {choices.workspaces.map((w) => (
                <option key={w.id} value={w.id}>
                  {w.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <FieldError id={errorId("workspaceId")} text={errorOf("workspaceId")} />
      </div>
      <div>
        <BranchField refs={refs.data} loading={refs.isLoading} value={values.branch} onChange={(v) => set("branch", v)} />
        <FieldError id={errorId("branch")} text={errorOf("branch")} />
      </div>
      <div className="self-end pb-2">
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={values.legacyProbes} onChange={(e) => set("legacyProbes", e.target.checked)} />
          Build the legacy probes too
        </label>
      </div>
      <div>
        <Field label="Image (repository:tag)" hint="The tag the channel moves onto each published catch-up.">
          {(id, hintId) => (
            <input
              id={id}
              className={`${fieldClass} font-mono`}
              value={values.image}
              onChange={(e) => set("image", e.target.value)}
              aria-invalid={invalid("image")}
              aria-describedby={described("image", hintId)}
              placeholder="registry.example.com/drivers/collector-drivers:stable"
              autoComplete="off"
              spellCheck={false}
              required
            />
          )}
        </Field>
        <FieldError id={errorId("image")} text={errorOf("image")} />
      </div>
      <div>
        <Field label="Registry" hint="Where each publication is pushed; the image must be in it.">
          {(id, hintId) => (
            <select id={id} className={fieldClass} value={values.registryId ?? ""} onChange={(e) => set("registryId", e.target.value === "" ? null : Number(e.target.value))} aria-invalid={invalid("registryId")} aria-describedby={described("registryId", hintId)}>
              <option value="">None: the tag stays on the engine</option>
              {choices.registries.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name} ({r.url})
                </option>
              ))}
            </select>
          )}
        </Field>
        <FieldError id={errorId("registryId")} text={errorOf("registryId")} />
      </div>
      <fieldset className="sm:col-span-2">
        <legend className="text-sm font-medium">Catch up</legend>
        <div className="mt-1 grid gap-3 sm:grid-cols-2">
          <label className="flex items-start gap-2 text-sm">
            <input type="checkbox" className="mt-1" checked={values.bundleStored} onChange={(e) => set("bundleStored", e.target.checked)} />
            <span>when a bundle is stored (upload, API or bundle source)</span>
          </label>
          <p className="text-sm text-slate-600 dark:text-slate-400">when the branch moves: always, through the push hook (POST /api/hooks/git) of a remote workspace; and on Sync now.</p>
          <div>
            <Field label="Schedule (cron line, UTC)" hint="Five fields: minute hour day-of-month month day-of-week, such as 0 3 * * *. Empty: no schedule.">
              {(id, hintId) => (
                <input id={id} className={`${fieldClass} font-mono`} value={values.schedule} onChange={(e) => set("schedule", e.target.value)} aria-invalid={invalid("schedule")} aria-describedby={described("schedule", hintId)} autoComplete="off" spellCheck={false} />
              )}
            </Field>
            <FieldError id={errorId("schedule")} text={errorOf("schedule")} />
          </div>
        </div>
      </fieldset>
      <div>
        <Field label="Squash above (layers)" hint={`The merged catch-up is squashed into two layers only when it has more layers than this. Empty: the default, ${choices.defaultSquashAboveLayers}.`}>
          {(id, hintId) => (
            <input
              id={id}
              type="number"
              inputMode="numeric"
              min={1}
              className={fieldClass}
              value={values.squashAboveLayers}
              onChange={(e) => set("squashAboveLayers", e.target.value)}
              placeholder={String(choices.defaultSquashAboveLayers)}
              aria-invalid={invalid("squashAboveLayers")}
              aria-describedby={described("squashAboveLayers", hintId)}
            />
          )}
        </Field>
        <FieldError id={errorId("squashAboveLayers")} text={errorOf("squashAboveLayers")} />
      </div>
      <div className="space-y-3 sm:col-span-2">
        {refusal && refusal.field === null ? (
          <p role="alert" className="rounded border border-amber-500 bg-amber-50 p-3 text-sm dark:bg-amber-950/40">
            ⚠ {refusal.text}
          </p>
        ) : refusal ? (
          <p role="alert" className="sr-only">
            Not saved: {refusal.text}
          </p>
        ) : null}
        <div className="flex gap-3">
          <button type="submit" className={submitClass} disabled={saving}>
            {saving ? "Saving…" : mode === "create" ? "Add channel" : "Save changes"}
          </button>
          {onCancel ? (
            <button type="button" className="rounded-md border border-slate-300 px-4 py-2 text-sm hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800" onClick={onCancel}>
              Cancel
            </button>
          ) : null}
        </div>
      </div>
    </form>
  );
}
