import { LINE_CUT_MARKER } from "@/lib/docker/progress/line-cut";

/**
 * Values shorter than this are masked only where they stand as a whole token:
 * a Red Hat user called `redhat` must not turn `redhat-release` into
 * `***-release`, nor `make` into `***` everywhere. Passwords are never short
 * (build bodies refuse a REDHAT_PASSWORD under 8 characters), so they are
 * masked wherever they appear.
 */
export const WHOLE_TOKEN_BELOW = 8;

/** What may stand next to a short value within one token: letters, digits, and the . _ + - of names and versions. */
const TOKEN_CHAR = "[\\p{L}\\p{N}._+-]";

export type SecretValues = {
  /** Masked wherever they appear, whatever their length. */
  passwords?: Array<string | undefined | null>;
  /** Masked wherever they appear when 8 characters or longer; shorter ones only as whole tokens. */
  names?: Array<string | undefined | null>;
};

/** Replaces the given secret values with `***`. */
export function createSecretMasker({ passwords = [], names = [] }: SecretValues) {
  const present = (values: Array<string | undefined | null>) => values.filter((s): s is string => !!s);
  const shortNames = new Set(present(names).filter((n) => n.length < WHOLE_TOKEN_BELOW));
  // Longest first, so a secret that contains another is masked whole.
  const exact = [...new Set([...present(passwords), ...present(names).filter((n) => !shortNames.has(n))])].sort((a, b) => b.length - a.length);
  const tokens = [...shortNames].sort((a, b) => b.length - a.length).map((n) => new RegExp(`(?<!${TOKEN_CHAR})${escapeRegExp(n)}(?!${TOKEN_CHAR})`, "gu"));
  const all = [...exact, ...shortNames];
  if (all.length === 0) return (text: string) => text;
  return (text: string) => {
    let out = text;
    for (const v of exact) if (out.includes(v)) out = out.split(v).join("***");
    for (const re of tokens) out = out.replace(re, "***");
    // A line cut short may end inside a secret: its start is masked too.
    if (out.endsWith(LINE_CUT_MARKER)) out = maskCutTail(out.slice(0, -LINE_CUT_MARKER.length), all) + LINE_CUT_MARKER;
    return out;
  };
}

function maskCutTail(body: string, secrets: string[]): string {
  for (const secret of secrets) {
    for (let n = Math.min(secret.length - 1, body.length); n >= 1; n--) {
      if (body.endsWith(secret.slice(0, n))) return `${body.slice(0, -n)}***`;
    }
  }
  return body;
}

function escapeRegExp(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
