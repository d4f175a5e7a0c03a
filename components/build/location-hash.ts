"use client";

import { useSyncExternalStore } from "react";

// The URL fragment as React state, so that `#L123` links work like any other
// state of the page, and a serial that orders hash changes against the
// reader's other actions (search steps, opening sections, following).

let serial = 0;
/** A number larger than every one handed out before. */
export function nextSerial() {
  return ++serial;
}

export type HashSnapshot = { hash: string; serial: number };

const SERVER: HashSnapshot = { hash: "", serial: 0 };
const EVENT = "kobuild:hash";
let current: HashSnapshot | null = null;

function read(force = false) {
  const hash = window.location.hash;
  if (!current || force || current.hash !== hash) current = { hash, serial: nextSerial() };
  return current;
}

function subscribe(onChange: () => void) {
  const changed = (event: Event) => {
    read(event.type === EVENT);
    onChange();
  };
  window.addEventListener("hashchange", changed);
  window.addEventListener(EVENT, changed);
  return () => {
    window.removeEventListener("hashchange", changed);
    window.removeEventListener(EVENT, changed);
  };
}

export function useLocationHash(): HashSnapshot {
  return useSyncExternalStore(subscribe, () => read(), () => SERVER);
}

/**
 * Points the URL at `hash` without a new history entry and without the
 * browser's jump to an element; the same hash again counts as a new request.
 */
export function setLocationHash(hash: string) {
  // Keep the router's history state: it belongs to Next.js.
  window.history.replaceState(window.history.state, "", hash);
  window.dispatchEvent(new Event(EVENT));
}
