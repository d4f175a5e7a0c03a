"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition } from "react";
import { bundleListHref, type BundleListView } from "./bundle-list-view";

/**
 * Search by kernel id or uname. The URL follows the typing (a moment after it
 * stops), so the result can be shared; without JavaScript the form still
 * submits as a plain GET.
 */
export function BundleSearch({ view }: { view: BundleListView }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const current = view.search ?? "";
  const [text, setText] = useState(current);
  const [shown, setShown] = useState(current);
  const [sent, setSent] = useState(current);

  // The URL changed without this box (back, a link): show what it says now.
  if (current !== shown) {
    setShown(current);
    if (current !== sent) {
      setText(current);
      setSent(current);
    }
  }

  const go = (value: string) => {
    setSent(value.trim());
    startTransition(() => router.replace(bundleListHref(view, { search: value }), { scroll: false }));
  };

  useEffect(() => {
    if (text.trim() === sent) return;
    const timer = setTimeout(() => go(text), 300);
    return () => clearTimeout(timer);
  });

  return (
    <form
      role="search"
      action="/bundles"
      method="get"
      onSubmit={(e) => {
        e.preventDefault();
        go(text);
      }}
      className="flex items-center gap-2"
    >
      <label htmlFor="bundle-search" className="text-sm font-medium">
        Search
      </label>
      <input
        id="bundle-search"
        name="search"
        type="search"
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        placeholder="kernel or uname, e.g. cloud"
        autoComplete="off"
        spellCheck={false}
        aria-busy={pending}
        className="w-64 rounded-md border border-slate-300 bg-white px-3 py-1.5 font-mono text-sm placeholder:font-sans placeholder:text-slate-500 dark:border-slate-700 dark:bg-slate-900 dark:placeholder:text-slate-400"
      />
      {view.distro ? <input type="hidden" name="distro" value={view.distro} /> : null}
      {view.version !== undefined ? <input type="hidden" name="version" value={view.version} /> : null}
      <input type="hidden" name="sort" value={view.sort} />
      <input type="hidden" name="order" value={view.order} />
    </form>
  );
}
