import { DomainError } from "@/lib/domain-error";

// Docker's reference grammar (distribution/reference), checked before a
// reference reaches the engine so a bad one gets a reason instead of a 500:
//
//   reference      := name [ ":" tag ] [ "@" digest ]
//   name           := [domain "/"] path-component ["/" path-component]*
//   domain         := host [":" port]     (first part with "." or ":", or "localhost")
//   path-component := [a-z0-9]+ ([_.]|__|-+ [a-z0-9]+)*
//   tag            := [\w][\w.-]{0,127}
//   digest         := algorithm ":" hex   (sha256: exactly 64 lowercase hex)
//
// An image id `sha256:<64 hex>` (what `docker images --no-trunc` shows) is
// accepted too; the engine resolves it like a name.

export type ImageRef = {
  /** The name without tag or digest; null for an image id. */
  repository: string | null;
  tag?: string;
  digest?: string;
  /** Set for an image id `sha256:<64 hex>`. */
  id?: string;
};

const NAME_MAX = 255;
const TAG = /^[\w][\w.-]{0,127}$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[_.]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const IPV6_HOST = /^\[[0-9a-fA-F:.]+\]$/;
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/;
const IMAGE_ID = /^sha256:[0-9a-f]{64}$/;

function bad(ref: string, reason: string): never {
  throw new DomainError("bad_request", `invalid image reference ${JSON.stringify(ref)}: ${reason}`);
}

export function parseImageRef(ref: string): ImageRef {
  if (ref.length === 0) bad(ref, "it is empty");
  if (/\s/.test(ref)) bad(ref, "it contains whitespace");
  // Control characters would otherwise reach the engine's URL.
  if (/[\u0000-\u001f\u007f]/.test(ref)) bad(ref, "it contains control characters");
  if (IMAGE_ID.test(ref)) return { repository: null, id: ref };

  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) bad(ref, `digest ${JSON.stringify(digest)} is not <algorithm>:<hex>`);
    if (digest.startsWith("sha256:") && !/^sha256:[0-9a-f]{64}$/.test(digest)) {
      bad(ref, "a sha256 digest has exactly 64 lowercase hex digits");
    }
  }

  // A tag follows the last ":" that comes after the last "/" (a ":" before it is a registry port).
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (tag.length === 0) bad(ref, "the tag after ':' is empty");
    if (tag.length > 128) bad(ref, `tag is ${tag.length} characters long, at most 128 are allowed`);
    if (!TAG.test(tag)) {
      bad(ref, `tag ${JSON.stringify(tag)} may only hold letters, digits, '_', '.', '-' and must not start with '.' or '-'`);
    }
  }

  checkName(ref, rest);
  const result: ImageRef = { repository: rest };
  if (tag !== undefined) result.tag = tag;
  if (digest !== undefined) result.digest = digest;
  return result;
}

function checkName(ref: string, name: string) {
  if (name.length === 0) bad(ref, "the repository name is empty");
  if (name.length > NAME_MAX) bad(ref, `the repository name is longer than ${NAME_MAX} characters`);
  if (/^[0-9a-f]{64}$/.test(name)) bad(ref, "a 64-digit hex string is an image id: write it as sha256:<id>");
  const parts = name.split("/");
  const first = parts[0]!;
  const hasDomain = parts.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost");
  if (hasDomain) checkDomain(ref, first);
  for (const part of hasDomain ? parts.slice(1) : parts) {
    if (part.length === 0) bad(ref, "the repository name has an empty path component ('//' or a leading or trailing '/')");
    if (/[A-Z]/.test(part)) bad(ref, `repository name must be lowercase (${JSON.stringify(part)})`);
    if (part.includes("..")) bad(ref, `'..' is not allowed in a repository name (${JSON.stringify(part)})`);
    if (/^[-_.]/.test(part)) bad(ref, `a repository path component must start with a letter or a digit (${JSON.stringify(part)})`);
    if (!PATH_COMPONENT.test(part)) {
      bad(ref, `repository path component ${JSON.stringify(part)} may only hold a-z, 0-9 and single separators '.', '_', '__' or '-'`);
    }
  }
}

function checkDomain(ref: string, domain: string) {
  const portAt = domain.startsWith("[") ? domain.indexOf("]:") + 1 : domain.lastIndexOf(":");
  const host = portAt > 0 ? domain.slice(0, portAt) : domain;
  const port = portAt > 0 ? domain.slice(portAt + 1) : undefined;
  if (port !== undefined && !/^[0-9]{1,5}$/.test(port)) bad(ref, `registry port ${JSON.stringify(port)} is not a number`);
  if (IPV6_HOST.test(host)) return;
  for (const label of host.split(".")) {
    if (!DOMAIN_COMPONENT.test(label)) bad(ref, `registry host ${JSON.stringify(host)} is not a valid host name`);
  }
}


/** A reference as the engine stores it: `:latest` when no tag is given, without docker.io's implied prefixes. */
export function normalizeImageRef(ref: string): string {
  const withTag = /:[^/]+$/.test(ref) || ref.includes("@") ? ref : `${ref}:latest`;
  return withTag.replace(/^docker\.io\/(library\/)?/, "");
}

/** repository and tag of a reference, the tag defaulting to latest (for the engine's tag call). */
export function splitImageRef(ref: string): { repo: string; tag: string } {
  const parsed = parseImageRef(ref);
  if (!parsed.repository) bad(ref, "an image id cannot be a tag");
  return { repo: parsed.repository, tag: parsed.tag ?? "latest" };
}
