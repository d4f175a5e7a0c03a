"use client";

import type { MouseEvent, ReactNode } from "react";
import { setLocationHash } from "./location-hash";
import { sectionHash } from "./log-target";

/** Follows a `#...` link inside the page without the browser's jump; new-tab clicks keep their default. */
export function followLogLink(event: MouseEvent<HTMLAnchorElement>) {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  setLocationHash(event.currentTarget.getAttribute("href")!);
}

/** A link that opens a section of the log and scrolls to it. */
export function LogSectionLink({ sectionKey, className, title, children }: { sectionKey: string; className?: string; title?: string; children: ReactNode }) {
  return (
    <a href={sectionHash(sectionKey)} onClick={followLogLink} className={className} title={title}>
      {children}
    </a>
  );
}
