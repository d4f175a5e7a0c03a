"use client";

import { useRouter } from "next/navigation";

export type SubjectOption = { value: string; label: string };

/** Chooses the build or image a page shows; the choice is the URL. */
/** With `param`, the choice goes into that parameter (`from=build:12`), next to the `extra` ones; else as `build=12` or `image=3`. */
export function SubjectPicker({
  label,
  current,
  builds,
  images,
  basePath,
  param = "subject",
  extra = {},
}: {
  label: string;
  current: string;
  builds: SubjectOption[];
  images: SubjectOption[];
  basePath: string;
  param?: string;
  extra?: Record<string, string>;
}) {
  const router = useRouter();
  return (
    <label className="flex flex-wrap items-center gap-2 text-sm font-medium">
      {label}
      <select
        className="rounded-md border border-slate-300 bg-white px-2 py-1.5 font-normal dark:border-slate-700 dark:bg-slate-950"
        value={current}
        onChange={(e) => {
          const [kind, id] = e.target.value.split(":");
          const next = param === "subject" ? new URLSearchParams({ [kind!]: id! }) : new URLSearchParams({ ...extra, [param]: e.target.value });
          router.push(`${basePath}?${next}`);
        }}
      >
        {builds.length ? (
          <optgroup label="Builds">
            {builds.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </optgroup>
        ) : null}
        {images.length ? (
          <optgroup label="Images">
            {images.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </optgroup>
        ) : null}
      </select>
    </label>
  );
}
