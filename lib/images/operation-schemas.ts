import { z } from "zod";
import { parseImageRef } from "@/lib/docker/image/image-ref";

// The bodies of POST /api/images/merge, /squash and /collector. Each takes a
// camelCase form and the build args' own spellings (those of the seed's text
// and those of the real Dockerfiles), mapped onto one shape. When two
// spellings of one value disagree, the request is refused rather than one
// of them silently winning.

const repository = z
  .string()
  .max(255)
  .regex(
    /^(?:[a-zA-Z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/,
    "must be a repository such as kobuild or 127.0.0.1:5000/drivers",
  );
const tag = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, "must be a tag: letters, digits, _ . - and at most 128 characters");
/** Several tags as a list, or as one build arg holding them separated by commas or spaces. */
const tagList = z.union([z.array(tag), z.string().transform((s) => s.split(/[\s,]+/).filter(Boolean))]).pipe(z.array(tag));
/** The result: a tag of the operation's own repository, or a whole reference (one with "/" or ":"). */
const output = z
  .string()
  .max(400)
  .refine((v) => {
    try {
      return parseImageRef(v).repository !== null && !parseImageRef(v).digest;
    } catch {
      return false;
    }
  }, "must be a tag or an image reference such as kobuild/collector-drivers:all");
const moduleVersion = z.string().regex(/^[A-Za-z0-9][\w.+-]{0,63}$/, "must be a module version such as 2.2.0");
const workspaceId = z.number().int().positive();

type Spelling<T> = [name: string, value: T | undefined];

/** The one value of several spellings: the first given, unless another given one differs. */
function pick<T>(ctx: z.RefinementCtx, spellings: Spelling<T>[], same: (a: T, b: T) => boolean = (a, b) => a === b): T | undefined {
  const given = spellings.filter((s): s is [string, T] => s[1] !== undefined);
  const first = given[0];
  if (!first) return undefined;
  const other = given.find((s) => !same(s[1], first[1]));
  if (other) ctx.addIssue({ code: "custom", path: [other[0]], message: `${other[0]} and ${first[0]} say different things; give one of them` });
  return first[1];
}

function required<T>(ctx: z.RefinementCtx, value: T | undefined, names: string[]): T {
  if (value === undefined) ctx.addIssue({ code: "custom", path: [names[0]!], message: `is required (or ${names.slice(1).join(" or ")})` });
  return value as T;
}

/** Resolves the output: a bare tag lands in `repository`; anything with "/" or ":" is a whole reference. */
export function outputRef(value: string, repository: string): string {
  return /[/:]/.test(value) ? value : `${repository}:${value}`;
}

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((t, i) => t === b[i]);

// DRIVER_REPO and DRIVER_TAG are the real Dockerfile.merge's names; the seed calls them DRIVERS_REPO and EXTRA_DRIVERS.
export const mergeBodySchema = z
  .object({
    driversRepo: repository.optional(),
    DRIVER_REPO: repository.optional(),
    DRIVERS_REPO: repository.optional(),
    baseTag: tag.optional(),
    BASE_TAG: tag.optional(),
    extraTags: tagList.optional(),
    DRIVER_TAG: tagList.optional(),
    EXTRA_DRIVERS: tagList.optional(),
    tag: output.optional(),
    workspaceId: workspaceId.optional(),
  })
  .strict()
  .transform((b, ctx) => {
    const driversRepo = pick(ctx, [["driversRepo", b.driversRepo], ["DRIVER_REPO", b.DRIVER_REPO], ["DRIVERS_REPO", b.DRIVERS_REPO]]) ?? "kobuild";
    const baseTag = required(ctx, pick(ctx, [["baseTag", b.baseTag], ["BASE_TAG", b.BASE_TAG]]), ["baseTag", "BASE_TAG"]);
    const extraTags = required(ctx, pick(ctx, [["extraTags", b.extraTags], ["DRIVER_TAG", b.DRIVER_TAG], ["EXTRA_DRIVERS", b.EXTRA_DRIVERS]], sameList), ["extraTags", "DRIVER_TAG", "EXTRA_DRIVERS"]);
    if (extraTags) {
      if (extraTags.length === 0) ctx.addIssue({ code: "custom", path: ["extraTags"], message: "name at least one tag to merge onto the base" });
      if (extraTags.length > 256) ctx.addIssue({ code: "custom", path: ["extraTags"], message: "at most 256 tags in one merge" });
      const dup = extraTags.find((t, i) => extraTags.indexOf(t) !== i || t === baseTag);
      if (dup) ctx.addIssue({ code: "custom", path: ["extraTags"], message: `${dup} is named twice (or is the base): each image is merged once` });
    }
    const image = `${driversRepo}/collector-drivers`;
    return { driversRepo, baseTag, extraTags, tag: b.tag ? outputRef(b.tag, image) : null, workspaceId: b.workspaceId ?? null };
  });

export const squashBodySchema = z
  .object({
    driversRepo: repository.optional(),
    DRIVERS_REPO: repository.optional(),
    driversTag: tag.optional(),
    DRIVERS_TAG: tag.optional(),
    tag: output.optional(),
    workspaceId: workspaceId.optional(),
  })
  .strict()
  .transform((b, ctx) => {
    const driversRepo = pick(ctx, [["driversRepo", b.driversRepo], ["DRIVERS_REPO", b.DRIVERS_REPO]]) ?? "kobuild";
    const driversTag = required(ctx, pick(ctx, [["driversTag", b.driversTag], ["DRIVERS_TAG", b.DRIVERS_TAG]]), ["driversTag", "DRIVERS_TAG"]);
    return { driversRepo, driversTag, tag: b.tag ? outputRef(b.tag, `${driversRepo}/collector-drivers`) : null, workspaceId: b.workspaceId ?? null };
  });

export const collectorBodySchema = z
  .object({
    collectorRepo: repository.optional(),
    COLLECTOR_REPO: repository.optional(),
    collectorTag: tag.optional(),
    COLLECTOR_TAG: tag.optional(),
    driversRepo: repository.optional(),
    DRIVERS_REPO: repository.optional(),
    driversTag: tag.optional(),
    DRIVERS_TAG: tag.optional(),
    moduleVersion: moduleVersion.optional(),
    MODULE_VERSION: moduleVersion.optional(),
    tag: output.optional(),
    workspaceId: workspaceId.optional(),
  })
  .strict()
  .transform((b, ctx) => {
    const collectorRepo = pick(ctx, [["collectorRepo", b.collectorRepo], ["COLLECTOR_REPO", b.COLLECTOR_REPO]]) ?? "kobuild";
    const collectorTag = required(ctx, pick(ctx, [["collectorTag", b.collectorTag], ["COLLECTOR_TAG", b.COLLECTOR_TAG]]), ["collectorTag", "COLLECTOR_TAG"]);
    const driversRepo = pick(ctx, [["driversRepo", b.driversRepo], ["DRIVERS_REPO", b.DRIVERS_REPO]]) ?? "kobuild";
    const driversTag = required(ctx, pick(ctx, [["driversTag", b.driversTag], ["DRIVERS_TAG", b.DRIVERS_TAG]]), ["driversTag", "DRIVERS_TAG"]);
    const mv = required(ctx, pick(ctx, [["moduleVersion", b.moduleVersion], ["MODULE_VERSION", b.MODULE_VERSION]]), ["moduleVersion", "MODULE_VERSION"]);
    const image = `${collectorRepo}/collector`;
    // The full image of <tag>-slim is <tag>-dockerized.
    const defaultTag = collectorTag ? `${image}:${collectorTag.replace(/-slim$/, "")}-dockerized` : null;
    return { collectorRepo, collectorTag, driversRepo, driversTag, moduleVersion: mv, tag: b.tag ? outputRef(b.tag, image) : defaultTag, workspaceId: b.workspaceId ?? null };
  });

export type MergeBody = z.infer<typeof mergeBodySchema>;
export type SquashBody = z.infer<typeof squashBodySchema>;
export type CollectorBody = z.infer<typeof collectorBodySchema>;
