import { parseBundleFileName } from "@/lib/bundles/parse-bundle-name";

export type ListedBundle = { fileName: string; url: string };

const HREF = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))/gi;
const KEY = /<Key>([^<]*)<\/Key>/g;
const ENTITIES: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&apos;": "'" };
const decodeEntities = (text: string) => text.replace(/&(amp|lt|gt|quot|#39|apos);/g, (e) => ENTITIES[e]!);

/** A listed name is a bundle when its last path segment is a valid bundle-<kernel>.tgz. */
function bundleFileName(pathname: string): string | null {
  try {
    const name = decodeURIComponent(pathname.slice(pathname.lastIndexOf("/") + 1));
    parseBundleFileName(name);
    return name;
  } catch {
    return null;
  }
}

/**
 * The bundles a listing names: the links of a plain index page (nginx,
 * Apache, `python -m http.server`) or the keys of a bucket's public XML
 * listing (S3, Google Cloud Storage), as absolute URLs. Other links, and
 * names that are not bundle-<kernel>.tgz, are left out; a name listed twice
 * counts once.
 */
export function parseBundleListing(text: string, listingUrl: string): ListedBundle[] {
  const base = new URL(listingUrl);
  const found = new Map<string, ListedBundle>();
  const add = (url: URL) => {
    if (url.protocol !== "http:" && url.protocol !== "https:") return;
    const fileName = bundleFileName(url.pathname);
    if (fileName && !found.has(fileName)) found.set(fileName, { fileName, url: url.href });
  };
  for (const m of text.matchAll(HREF)) {
    const href = decodeEntities(m[1] ?? m[2] ?? m[3] ?? "");
    try {
      add(new URL(href, base));
    } catch {
      // Not a URL at all: not a bundle either.
    }
  }
  // A bucket listing names object keys relative to the bucket: the listing's URL without its query, as a directory.
  const bucket = new URL(base.href);
  bucket.search = "";
  bucket.hash = "";
  if (!bucket.pathname.endsWith("/")) bucket.pathname += "/";
  for (const m of text.matchAll(KEY)) {
    const key = decodeEntities(m[1]!);
    add(new URL(key.split("/").map(encodeURIComponent).join("/"), bucket));
  }
  return [...found.values()];
}
