import { BundleError } from "./bundle-error";

const maxPathBytes = 4096;
/** NAME_MAX: GNU tar cannot create a longer component, and would stop with an error. */
const maxComponentBytes = 255;

/**
 * An archive path made canonical (`./a//b/` → `a/b`, the root → ``), or
 * unsafe_path when extracting it could write outside the target directory.
 * Backslashes count as separators for `..` so no extractor on any system
 * can be walked out of the tree.
 */
export function normalizeEntryPath(raw: string, what = "the entry"): string {
  return entryPathParts(raw, what).join("/");
}

/** The components of a canonical archive path, checked as normalizeEntryPath does; none for the root. */
export function entryPathParts(raw: string, what = "the entry"): string[] {
  const shown = JSON.stringify(raw.slice(0, 200));
  if (Buffer.byteLength(raw) > maxPathBytes) throw new BundleError("unsafe_path", `${what} has a name longer than ${maxPathBytes} bytes`);
  if (hasControlCharacter(raw)) throw new BundleError("unsafe_path", `${what} ${shown} has a control character in its name`);
  if (raw.startsWith("/") || raw.startsWith("\\") || /^[A-Za-z]:/.test(raw)) {
    throw new BundleError("unsafe_path", `${what} ${shown} is an absolute path`);
  }
  const parts = raw.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.some((p) => p === ".." || (p.includes("\\") && p.split("\\").includes("..")))) {
    throw new BundleError("unsafe_path", `${what} ${shown} climbs out of the archive with ..`);
  }
  for (const part of parts) {
    if (part.length > maxComponentBytes / 4 && Buffer.byteLength(part) > maxComponentBytes) {
      throw new BundleError("unsafe_path", `${what} ${shown} has a component longer than ${maxComponentBytes} bytes`);
    }
  }
  return parts;
}

/** A NUL, newline or other control character: GNU tar cuts a pax name at a NUL, and no kernel header has any. */
export function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}
