"use client";

import { inputClass } from "@/components/form-parts";
import type { RetentionRule } from "@/lib/retention/retention-schemas";

/** The text of a limit in a field: empty for no limit. */
export const fieldOf = (n: number | null) => (n === null ? "" : String(n));

/** A field's text as a limit: empty is no limit; anything else goes to the server, which says what is wrong with it. */
export const limitOf = (text: string): number | null => (text.trim() === "" ? null : Number(text));

export type RuleText = { maxAgeDays: string; maxCount: string };

export const ruleText = (r: RetentionRule): RuleText => ({ maxAgeDays: fieldOf(r.maxAgeDays), maxCount: fieldOf(r.maxCount) });
export const ruleOf = (t: RuleText): RetentionRule => ({ maxAgeDays: limitOf(t.maxAgeDays), maxCount: limitOf(t.maxCount) });

/** One row of a policy table: what is kept, for how many days, how many of the newest. */
export function RuleRow({ label, hint, value, onChange, idPrefix }: { label: string; hint: string; value: RuleText; onChange: (v: RuleText) => void; idPrefix: string }) {
  return (
    <tr className="border-b border-slate-200 dark:border-slate-800">
      <th scope="row" className="py-2 pr-4 align-top font-normal">
        <span className="font-medium">{label}</span>
        <span className="block text-xs text-slate-600 dark:text-slate-400">{hint}</span>
      </th>
      <td className="py-2 pr-4 align-top">
        <label htmlFor={`${idPrefix}-days`} className="sr-only">{`${label}: days kept`}</label>
        <input id={`${idPrefix}-days`} inputMode="numeric" className={`${inputClass} w-28`} placeholder="no limit" value={value.maxAgeDays} onChange={(e) => onChange({ ...value, maxAgeDays: e.target.value })} />
      </td>
      <td className="py-2 align-top">
        <label htmlFor={`${idPrefix}-count`} className="sr-only">{`${label}: newest kept`}</label>
        <input id={`${idPrefix}-count`} inputMode="numeric" className={`${inputClass} w-28`} placeholder="no limit" value={value.maxCount} onChange={(e) => onChange({ ...value, maxCount: e.target.value })} />
      </td>
    </tr>
  );
}

export function RuleTableHead({ caption }: { caption: string }) {
  return (
    <>
      <caption className="sr-only">{caption}</caption>
      <thead>
        <tr className="border-b border-slate-300 text-left dark:border-slate-700">
          <th scope="col" className="py-2 pr-4">Kept</th>
          <th scope="col" className="py-2 pr-4">Days after it ended</th>
          <th scope="col" className="py-2">Newest kept</th>
        </tr>
      </thead>
    </>
  );
}
