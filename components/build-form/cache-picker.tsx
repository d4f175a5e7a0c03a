"use client";

import { useId, useMemo, useState } from "react";
import { inputClass } from "@/components/form-parts";
import { useDriverImages } from "@/components/queries";
import { cacheChoices, matchCacheChoices, type CacheChoice } from "./cache-choices";

/**
 * A combobox of the driver images kobuild knows (build results it read,
 * local driver images, registry tags): typing filters, arrows move, Enter
 * picks, Escape closes. Picking fills CACHE_REPO and CACHE_TAG; names that
 * cannot be a cache are shown disabled with the reason. The list is asked
 * for on first opening: listing registries takes a moment.
 */
export function CachePicker({ onPick }: { onPick: (cache: { repo: string; tag: string }) => void }) {
  const id = useId();
  const [text, setText] = useState("");
  const [open, setOpen] = useState(false);
  const [wanted, setWanted] = useState(false);
  const [active, setActive] = useState(0);
  const listing = useDriverImages(wanted);
  const all = useMemo(() => cacheChoices(listing.data?.images ?? []), [listing.data]);
  const shown = useMemo(() => matchCacheChoices(all.choices, text), [all, text]);
  const current = Math.min(active, shown.length - 1);

  const show = () => {
    setWanted(true);
    setOpen(true);
  };
  const pick = (choice: CacheChoice | undefined) => {
    if (!choice?.cache) return;
    onPick(choice.cache);
    setText(choice.ref);
    setOpen(false);
  };
  const onKeyDown = (event: React.KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!open) return show();
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive(Math.max(0, Math.min(shown.length - 1, current + step)));
    } else if (event.key === "Enter" && open) {
      // Enter picks; it never submits the build form from here.
      event.preventDefault();
      pick(shown[current]);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      setOpen(false);
    }
  };

  const listId = `${id}-list`;
  const optionId = (i: number) => `${id}-option-${i}`;
  return (
    <div className="relative">
      <label htmlFor={`${id}-input`} className="block text-sm font-medium">
        Pick a known driver image
      </label>
      <input
        id={`${id}-input`}
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={listId}
        aria-activedescendant={open && current >= 0 ? optionId(current) : undefined}
        aria-describedby={`${id}-hint`}
        className={`${inputClass} font-mono placeholder:font-sans`}
        value={text}
        placeholder="type part of a name, or press ↓"
        spellCheck={false}
        autoComplete="off"
        onFocus={show}
        onClick={show}
        onChange={(e) => {
          setText(e.target.value);
          setActive(0);
          show();
        }}
        onKeyDown={onKeyDown}
        onBlur={() => setOpen(false)}
      />
      <p id={`${id}-hint`} className="mt-1 text-xs text-slate-600 dark:text-slate-400">
        Build results kobuild read, driver images on the engine and tags of the configured registries; picking one fills the repository and tag below.
        {all.untagged ? ` ${all.untagged} untagged image${all.untagged === 1 ? " is" : "s are"} left out: a cache needs a name.` : ""}
      </p>
      {open ? (
        <ul id={listId} role="listbox" aria-label="Known driver images" className="absolute z-20 mt-1 max-h-72 w-full overflow-auto rounded-md border border-slate-300 bg-white py-1 text-sm shadow-lg dark:border-slate-700 dark:bg-slate-900">
          {listing.isFetching && !listing.data ? <li className="px-3 py-2 text-slate-600 dark:text-slate-400">Asking the engine and the registries…</li> : null}
          {listing.error ? <li className="px-3 py-2">⚠ {listing.error.message}</li> : null}
          {listing.data && shown.length === 0 ? <li className="px-3 py-2">{all.choices.length ? "No known image has that in its name." : "No driver image is known yet: a finished build's result appears here."}</li> : null}
          {shown.map((choice, i) => (
            <li
              key={choice.ref}
              id={optionId(i)}
              role="option"
              aria-selected={i === current}
              aria-disabled={choice.unusable ? true : undefined}
              // Keep the focus in the input: a click picks without blurring it first.
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => pick(choice)}
              onMouseMove={() => setActive(i)}
              className={`px-3 py-1.5 ${i === current ? "bg-blue-100 dark:bg-blue-900/60" : ""} ${choice.unusable ? "cursor-not-allowed text-slate-500 dark:text-slate-400" : "cursor-pointer"}`}
            >
              <span className="block break-all font-mono">{choice.ref}</span>
              <span className="block text-xs text-slate-600 dark:text-slate-400">{choice.unusable ? `Cannot be the cache: ${choice.unusable}` : choice.detail}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
