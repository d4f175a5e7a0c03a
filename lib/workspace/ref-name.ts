import { DomainError } from "@/lib/domain-error";

// git check-ref-format's rules for a branch or tag name (what follows
// refs/heads/ or refs/tags/), checked here so that a bad name is refused with
// a reason before it reaches git, and so that a name can never be read as an
// option.

function refusal(name: string): string | null {
  if (name.length === 0) return "it is empty";
  if (/[\u0000-\u001f\u007f]/.test(name)) return "it contains a control character";
  const bad = /[ ~^:?*[\\]/.exec(name);
  if (bad) return `it contains ${bad[0] === " " ? "a space" : `'${bad[0]}'`}`;
  if (name.startsWith("-")) return "it starts with '-'";
  if (name.startsWith("/")) return "it starts with '/'";
  if (name.endsWith("/")) return "it ends with '/'";
  if (name.endsWith(".")) return "it ends with '.'";
  if (name.includes("..")) return "it contains '..'";
  if (name.includes("//")) return "it contains '//'";
  if (name.includes("@{")) return "it contains '@{'";
  if (name === "@") return "it is '@'";
  for (const component of name.split("/")) {
    if (component.startsWith(".")) return `a part of it starts with '.' (${component})`;
    if (component.endsWith(".lock")) return `a part of it ends with '.lock' (${component})`;
  }
  return null;
}

/** Returns the name when git would accept it as a branch or tag name; throws DomainError("bad_request") saying why not. */
export function checkRefName(name: string): string {
  const reason = refusal(name);
  if (reason) throw new DomainError("bad_request", `invalid branch or tag name ${JSON.stringify(name)}: ${reason}`);
  return name;
}

export function isValidRefName(name: string): boolean {
  return refusal(name) === null;
}
