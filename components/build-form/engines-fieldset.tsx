"use client";

import { useId } from "react";
import { Field, inputClass } from "@/components/form-parts";
import { Fieldset, Radio } from "./form-controls";
import type { EnginesChoice, ShardingChoice } from "./sharding-choice";

export type RegistryChoice = { id: number; name: string; url: string };

/** Where the build runs: on the default engine, or split into shards over several engines and merged. */
export function EnginesFieldset({
  value,
  onChange,
  registries,
  engines,
}: {
  value: ShardingChoice;
  onChange: (value: ShardingChoice) => void;
  registries: RegistryChoice[];
  /** Names of the configured engines, the default one first. */
  engines: string[];
}) {
  const set = <K extends keyof ShardingChoice>(key: K, v: ShardingChoice[K]) => onChange({ ...value, [key]: v });
  const choose = (engines: EnginesChoice) => set("engines", engines);
  const name = useId();
  return (
    <Fieldset legend="Engines">
      <Radio name={name} value="one" current={value.engines} onChange={choose} label="One engine" hint="One docker build on the default engine." />
      <ShardCountRadio name={name} value={value} onChange={onChange} />
      <Radio
        name={name}
        value="all"
        current={value.engines}
        onChange={choose}
        label="Over every engine that answers"
        hint={`One shard per engine answering when the build starts; ${engines.length} configured (${engines.join(", ")}).`}
      />
      {value.engines !== "one" ? (
        // For both ways of sharding, hence apart from the choices rather than under the last one.
        <div className="grid gap-4 border-t border-slate-200 pt-4 sm:grid-cols-[minmax(0,1fr)_10rem] dark:border-slate-800">
          <Field label="Registry" hint="Shards on engines other than the default one need a registry to bring their images back for the merge.">
            {(id, hintId) => (
              <select id={id} className={inputClass} value={value.registryId} onChange={(e) => set("registryId", e.target.value)} aria-describedby={hintId}>
                <option value="">none: shards stay on the default engine</option>
                {registries.map((r) => (
                  <option key={r.id} value={String(r.id)}>
                    {r.name} ({r.url})
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Attempts per shard" hint="1 to 5, the first included: a failed shard is tried again elsewhere.">
            {(id, hintId) => (
              <input
                id={id}
                type="number"
                min={1}
                max={5}
                required
                className={inputClass}
                value={value.maxAttempts}
                onChange={(e) => set("maxAttempts", e.target.value)}
                aria-describedby={hintId}
              />
            )}
          </Field>
        </div>
      ) : null}
    </Fieldset>
  );
}

/** "Sharded over [N] engines": the radio's name reads the number in its field, as a person sees it. */
function ShardCountRadio({ name, value, onChange }: { name: string; value: ShardingChoice; onChange: (value: ShardingChoice) => void }) {
  const id = useId();
  const chosen = value.engines === "count";
  return (
    <div className="flex gap-3">
      <input
        id={id}
        type="radio"
        name={name}
        className="mt-1 size-4"
        checked={chosen}
        onChange={() => onChange({ ...value, engines: "count" })}
        aria-labelledby={`${id}-before ${id}-count ${id}-after`}
        aria-describedby={`${id}-hint`}
      />
      <div>
        <span className="flex flex-wrap items-center gap-1.5 text-sm font-medium">
          <label id={`${id}-before`} htmlFor={id}>
            Sharded over
          </label>
          <input
            id={`${id}-count`}
            type="number"
            min={1}
            max={64}
            required={chosen}
            aria-label="Number of engines"
            className="w-16 rounded-md border border-slate-300 bg-white px-2 py-0.5 text-sm shadow-sm focus:border-blue-600 dark:border-slate-700 dark:bg-slate-950"
            value={value.engineCount}
            // Typing a number means this choice.
            onChange={(e) => onChange({ ...value, engines: "count", engineCount: e.target.value })}
          />
          <label id={`${id}-after`} htmlFor={id}>
            engines
          </label>
        </span>
        <p id={`${id}-hint`} className="text-xs text-slate-600 dark:text-slate-400">
          The kernels are split into shards of about equal work, one per engine, each built on its own and merged into this build&apos;s image.
        </p>
      </div>
    </div>
  );
}
