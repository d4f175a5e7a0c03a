import { ApiError } from "@/lib/http/api-error";

// A workspace's git remote, as an admin types it. kobuild stores the URL and
// shows it on Settings, in the API and in every build's checkout (its origin),
// so a URL that carries a secret is refused rather than stripped: a stripped
// URL would silently stop working, while a refusal says where the credential
// belongs (an ssh key, or a git credential helper of the user kobuild runs as).

export type RemoteTransport = "https" | "ssh" | "git" | "file";

export type RemoteUrl = {
  /** The URL as given (trimmed): what git is told and what is shown. */
  url: string;
  transport: RemoteTransport;
  /** host[:port] for a network remote, null for file://. */
  host: string | null;
};

const FORMS = "https://host/path, ssh://[user@]host[:port]/path, user@host:path, git://host[:port]/path or file:///path";
const bad = (message: string) => new ApiError("bad_request", message);

/** The remote a URL names; throws bad_request saying what is wrong (a password, an unknown scheme ...). */
export function parseRemoteUrl(input: string): RemoteUrl {
  const url = input.trim();
  if (url === "") throw bad("the remote URL is empty");
  if (url.length > 2048) throw bad("the remote URL is longer than 2048 characters");
  if (/[\s\u0000-\u001f\u007f]/.test(url)) throw bad("the remote URL must not hold spaces or control characters");
  // git would read a leading "-" as an option.
  if (url.startsWith("-")) throw bad(`the remote URL must not start with '-': ${url}`);
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url)?.[1]?.toLowerCase();
  if (scheme !== undefined) return parseSchemeUrl(url, scheme);
  if (url.startsWith("/")) throw bad(`${url} is a directory: register it with "path", or as file://${url}`);
  if (/^[A-Za-z][A-Za-z0-9+.-]*::/.test(url)) throw bad(`git's remote helpers (${url.split("::")[0]}::) are not accepted: use ${FORMS}`);
  return parseScpLike(url);
}

function parseSchemeUrl(url: string, scheme: string): RemoteUrl {
  if (scheme === "http") throw bad("plain http:// sends the repository unencrypted and cannot be trusted: use https://");
  if (scheme !== "https" && scheme !== "ssh" && scheme !== "git" && scheme !== "file") throw bad(`${scheme}:// is not a remote kobuild fetches from: use ${FORMS}`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw bad(`not a valid URL: ${url}`);
  }
  if (parsed.password !== "") throw passwordRefusal();
  if (parsed.search !== "" || parsed.hash !== "") throw bad(`the remote URL must not hold '?' or '#': ${url}`);
  if (scheme === "file") {
    if (parsed.hostname !== "" && parsed.hostname !== "localhost") throw bad(`a file:// URL names a directory on this machine, not on ${parsed.hostname}`);
    if (parsed.pathname === "/" || parsed.pathname === "") throw bad("the file:// URL names no repository");
    return { url, transport: "file", host: null };
  }
  if (parsed.hostname === "") throw bad(`the remote URL names no host: ${url}`);
  // ssh would read a user or host starting with "-" as an option.
  if (parsed.hostname.startsWith("-") || !/^[A-Za-z0-9._-]*$/.test(decodeURIComponent(parsed.username)) || parsed.username.startsWith("-")) {
    throw bad(`not a user and host kobuild passes to ssh: ${url}`);
  }
  if (parsed.username !== "" && scheme !== "ssh") {
    // A user name on https is often a token (GitHub takes one there): a secret all the same.
    throw bad(`a ${scheme}:// URL must not hold a user name: kobuild keeps no credentials in a workspace's URL; give them to a git credential helper of the user kobuild runs as`);
  }
  if (parsed.pathname === "/" || parsed.pathname === "") throw bad(`the remote URL names no repository: ${url}`);
  return { url, transport: scheme, host: parsed.host };
}

// git's scp-like form: `[user@]host:path`, a ":" before any "/".
function parseScpLike(url: string): RemoteUrl {
  const colon = url.indexOf(":");
  const slash = url.indexOf("/");
  if (colon < 0 || (slash >= 0 && slash < colon)) throw bad(`not a remote URL: ${url} (use ${FORMS})`);
  const at = url.lastIndexOf("@", colon);
  // `user:password@host:path`: a ":" inside what would be the user part.
  if (/^[^/@]*:[^/]*@/.test(url)) throw passwordRefusal();
  const host = url.slice(at + 1, colon);
  const user = at >= 0 ? url.slice(0, at) : "";
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(host)) throw bad(`not a host name: ${host === "" ? "(empty)" : host} in ${url}`);
  if (at >= 0 && !/^[A-Za-z0-9._-]+$/.test(user)) throw bad(`not a user name: ${user === "" ? "(empty)" : user} in ${url}`);
  if (url.slice(colon + 1) === "") throw bad(`the remote URL names no repository: ${url}`);
  return { url, transport: "ssh", host };
}

function passwordRefusal() {
  return bad(
    "the remote URL holds a password: kobuild refuses it rather than store and show it; use an ssh key of the user kobuild runs as (ssh:// or user@host:path), or a git credential helper of that user for https://",
  );
}
