"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const links = [
  { href: "/", label: "Overview" },
  { href: "/bundles", label: "Bundles" },
  { href: "/builds", label: "Builds" },
  { href: "/coverage", label: "Coverage" },
  { href: "/failures", label: "Failures" },
  { href: "/drivers", label: "Find a driver" },
  { href: "/trends", label: "Trends" },
  { href: "/channels", label: "Channels" },
  { href: "/images", label: "Images" },
  { href: "/settings", label: "Settings" },
  { href: "/api-docs", label: "API" },
];

export function NavLinks() {
  const pathname = usePathname();
  return (
    <ul className="flex flex-wrap gap-1 md:flex-col">
      {links.map(({ href, label }) => {
        const current = href === "/" ? pathname === "/" : pathname.startsWith(href);
        return (
          <li key={href}>
            <Link
              href={href}
              aria-current={current ? "page" : undefined}
              className={
                "block rounded-md px-3 py-2 text-sm font-medium " +
                (current
                  ? "bg-blue-600 text-white"
                  : "text-slate-700 hover:bg-slate-200 dark:text-slate-200 dark:hover:bg-slate-800")
              }
            >
              {label}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
