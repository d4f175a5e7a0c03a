// What an image's name says about it, for kobuild: a driver image is
// `<repo>/collector-drivers:<tag>` (the dockerized Dockerfile's CACHE_REPO and
// CACHE_TAG name one that way); kobuild's own helper images and working names,
// and tags that carry another installation's id, are not the user's driver
// images. Plain functions, shared by the pages and lib/.

const DRIVER_IMAGE = /^(.+)\/collector-drivers:([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$/;

/** Tags kobuild gives with its installation id: results, merges, re-run bases and merge steps. */
const INSTALLATION_TAG = /^(?:build|merge|rerun-base|kobuild-merge)-\d+-([0-9a-f]{6})(?:-|$)/;

/** The toolchain, the drivers' base, the empty "no cache" image. */
const HELPER_IMAGES = [/^kobuild\/toolchain:/, /^kobuild\/drivers-base:/, /^kobuild\/collector-drivers:empty$/];

/** A name as the user wrote it: Docker Hub's implicit prefixes dropped. */
export function shortImageName(ref: string): string {
  return ref.replace(/^docker\.io\/(library\/)?/, "");
}

/** `<repo>` and `<tag>` of a driver image's name; null for any other name. */
export function driverImageName(ref: string): { repo: string; tag: string } | null {
  const m = DRIVER_IMAGE.exec(shortImageName(ref));
  return m ? { repo: m[1]!, tag: m[2]! } : null;
}

export type ImageNameKind =
  /** A driver image of this installation, or one nobody's installation id marks. */
  | "driver"
  /** kobuild's toolchain, drivers base, empty cache, or a working name of its own. */
  | "helper"
  /** A tag another kobuild installation gave (`build-<id>-<installation>`). */
  | "other-installation"
  /** Not named `<repo>/collector-drivers:<tag>`. */
  | "other";

/** What a name is to the installation `instance`. */
export function imageNameKind(ref: string, instance: string): ImageNameKind {
  const name = shortImageName(ref);
  if (HELPER_IMAGES.some((h) => h.test(name)) || name.startsWith("kobuild-tmp/")) return "helper";
  const driver = driverImageName(name);
  if (!driver) return "other";
  const tag = INSTALLATION_TAG.exec(driver.tag);
  if (tag && tag[1] !== instance) return "other-installation";
  // Working names of this installation: a merge's steps and a re-run's base.
  if (tag && /^(?:kobuild-merge|rerun-base)-/.test(driver.tag)) return "helper";
  return "driver";
}

type NamedImage = { refs: string[]; registryRefs: { ref: string }[]; recordId: number | null };

/**
 * An image as far as it is kobuild's concern, or null when it is not: its
 * driver image names; the other names of an image kobuild read (someone
 * asked it to) and of a configured registry's tags; never a helper's name or
 * another installation's tag. A result kobuild read that has no name left
 * at all (its tag moved on) is still its own.
 */
export function kobuildsPart<T extends NamedImage>(image: T, instance: string): T | null {
  const keep = (ref: string, anyName: boolean) => {
    const kind = imageNameKind(ref, instance);
    return kind === "driver" || (anyName && kind === "other");
  };
  const refs = image.refs.filter((ref) => keep(ref, image.recordId !== null));
  const registryRefs = image.registryRefs.filter((r) => keep(r.ref, true));
  if (refs.length > 0 || registryRefs.length > 0) return { ...image, refs, registryRefs };
  const unnamed = image.refs.length === 0 && image.registryRefs.length === 0;
  return unnamed && image.recordId !== null ? image : null;
}

/** Whether an image the engine holds, not read by kobuild, is worth asking for /kernel-modules: one of its names must be a driver image's. */
export function mayBeKobuilds(tags: readonly string[], instance: string): boolean {
  return tags.some((tag) => imageNameKind(tag, instance) === "driver");
}
