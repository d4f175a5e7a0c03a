import { formatBytes } from "@/components/format";

/** A configured byte limit as it was most likely set: 536870912 reads as 512 MiB, not 537 MB. */
export function formatLimit(bytes: number): string {
  for (const [unit, size] of [["GiB", 1024 ** 3], ["MiB", 1024 ** 2], ["KiB", 1024]] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`;
  }
  return formatBytes(bytes);
}
