"use client";

import { useId, type ReactNode } from "react";

// The build form's pieces, shared with the other forms that start driver builds.

export function Fieldset({ legend, children }: { legend: string; children: ReactNode }) {
  return (
    <fieldset className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
      <legend className="px-1 text-sm font-semibold uppercase tracking-wide text-slate-700 dark:text-slate-300">{legend}</legend>
      {children}
    </fieldset>
  );
}

/** A checkbox or a radio button with its label and a one-line explanation. */
function Choice({ type, name, label, hint, checked, onChange }: { type: "checkbox" | "radio"; name?: string; label: string; hint: string; checked: boolean; onChange: (checked: boolean) => void }) {
  const id = useId();
  return (
    <div className="flex gap-3">
      <input id={id} type={type} name={name} className="mt-1 size-4" checked={checked} onChange={(e) => onChange(e.target.checked)} aria-describedby={`${id}-hint`} />
      <div>
        <label htmlFor={id} className="text-sm font-medium">
          {label}
        </label>
        <p id={`${id}-hint`} className="text-xs text-slate-600 dark:text-slate-400">
          {hint}
        </p>
      </div>
    </div>
  );
}

export function Check(props: { label: string; hint: string; checked: boolean; onChange: (value: boolean) => void }) {
  return <Choice type="checkbox" {...props} />;
}

export function Radio<V extends string>({ name, value, current, onChange, label, hint }: { name: string; value: V; current: string; onChange: (value: V) => void; label: string; hint: string }) {
  return <Choice type="radio" name={name} label={label} hint={hint} checked={current === value} onChange={() => onChange(value)} />;
}
