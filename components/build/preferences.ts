"use client";

import { useSyncExternalStore } from "react";

// Reader preferences kept in localStorage, read as external state so the
// server render and the first client render agree (both use the default).

const EVENT = "kobuild:preference";
// Where choices live when the browser refuses storage: until the page is left.
const memory = new Map<string, string>();

function subscribe(onChange: () => void) {
  window.addEventListener("storage", onChange);
  window.addEventListener(EVENT, onChange);
  return () => {
    window.removeEventListener("storage", onChange);
    window.removeEventListener(EVENT, onChange);
  };
}

function readStored(key: string): string | null {
  try {
    return window.localStorage.getItem(key) ?? memory.get(key) ?? null;
  } catch {
    return memory.get(key) ?? null;
  }
}

export function usePreference<T extends string>(key: string, choices: readonly T[], fallback: T): [T, (value: T) => void] {
  const value = useSyncExternalStore(
    subscribe,
    () => {
      const stored = readStored(key);
      return choices.includes(stored as T) ? (stored as T) : fallback;
    },
    () => fallback,
  );
  const set = (next: T) => {
    memory.set(key, next);
    try {
      window.localStorage.setItem(key, next);
    } catch {
      /* storage refused: the choice stays in memory */
    }
    window.dispatchEvent(new Event(EVENT));
  };
  return [value, set];
}
