import { BundleError } from "./bundle-error";
import { matchVersionPrefix } from "./match-version-prefix";
import { normalizeEntryPath } from "./normalize-entry-path";
import { kernelIdPattern } from "./parse-bundle-name";

export const bundleFieldNames = [
  "BUNDLE_UNAME",
  "BUNDLE_VERSION",
  "BUNDLE_MAJOR",
  "BUNDLE_MINOR",
  "BUNDLE_DISTRO",
  "BUNDLE_BUILD_DIR",
  "BUNDLE_CHECKSUM",
] as const;

export type BundleFieldName = (typeof bundleFieldNames)[number];

export type BundleFields = {
  uname: string;
  version: number;
  major: number;
  minor: number;
  distro: string;
  /** As written in the bundle (`.`, `./build`, ...): the build scripts use it verbatim. */
  buildDir: string;
  checksum: string | null;
};

// Bundles name coreos, debian, gardenlinux, cos, redhat, suse, ubuntu,
// minikube, linuxkit, dockerdesktop or oracle today. New distributions appear
// with new collector releases, so any plain lower-case token is recorded.
const distroPattern = /^[a-z0-9][a-z0-9-]{0,31}$/;
const checksumPattern = /^[A-Za-z0-9:+/=_.-]{1,256}$/;

/**
 * Validates the BUNDLE_* values read from an archive's root. A value may end
 * in whitespace (a trailing newline from `echo`); anything else odd is bad_field.
 */
export function parseBundleFields(raw: ReadonlyMap<BundleFieldName, string>): BundleFields {
  const uname = required(raw, "BUNDLE_UNAME");
  if (!kernelIdPattern.test(uname)) throw bad("BUNDLE_UNAME", uname, "is not a kernel release string");
  const version = integer(raw, "BUNDLE_VERSION");
  const major = integer(raw, "BUNDLE_MAJOR");
  const minor = integer(raw, "BUNDLE_MINOR");
  if (!matchVersionPrefix(uname, version, major)) {
    throw new BundleError("name_mismatch", `BUNDLE_UNAME ${JSON.stringify(uname)} does not start with ${version}.${major} (BUNDLE_VERSION.BUNDLE_MAJOR)`);
  }
  const distro = required(raw, "BUNDLE_DISTRO");
  if (!distroPattern.test(distro)) throw bad("BUNDLE_DISTRO", distro, "is not a distribution name (lower-case letters, digits and -)");
  return { uname, version, major, minor, distro, buildDir: buildDir(raw), checksum: checksum(raw) };
}

function value(raw: ReadonlyMap<BundleFieldName, string>, name: BundleFieldName): string | undefined {
  const text = raw.get(name);
  return text === undefined ? undefined : text.replace(/\s+$/, "");
}

function required(raw: ReadonlyMap<BundleFieldName, string>, name: BundleFieldName): string {
  const text = value(raw, name);
  if (text === undefined) throw new BundleError("missing_field", `the archive has no ${name} at its root`);
  if (text === "") throw new BundleError("missing_field", `${name} is empty`);
  return text;
}

function integer(raw: ReadonlyMap<BundleFieldName, string>, name: BundleFieldName): number {
  const text = required(raw, name);
  if (!/^[0-9]{1,6}$/.test(text)) throw bad(name, text, "is not a whole number");
  return Number(text);
}

function buildDir(raw: ReadonlyMap<BundleFieldName, string>): string {
  const text = value(raw, "BUNDLE_BUILD_DIR");
  if (text === undefined || text === "") return ".";
  // Absolute or `..` is unsafe_path: the build would read outside the bundle.
  normalizeEntryPath(text, "BUNDLE_BUILD_DIR");
  return text;
}

function checksum(raw: ReadonlyMap<BundleFieldName, string>): string | null {
  const text = value(raw, "BUNDLE_CHECKSUM");
  if (text === undefined || text === "") return null;
  if (!checksumPattern.test(text)) throw bad("BUNDLE_CHECKSUM", text, "is not a checksum");
  return text;
}

function bad(name: BundleFieldName, text: string, why: string): BundleError {
  return new BundleError("bad_field", `${name} ${JSON.stringify(text.slice(0, 100))} ${why}`);
}
