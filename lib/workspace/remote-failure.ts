// git's (and ssh's, and curl's) words when a remote cannot be read, made into
// what the admin must know: whether the remote did not answer (nothing
// listens, no such host, too slow: HTTP 502) or answered and refused
// (credentials, host key, no such repository: HTTP 422), and why.

export type RemoteFailure = { answered: boolean; reason: string };

const RULES: Array<[RegExp, boolean, (m: RegExpExecArray) => string]> = [
  [/REMOTE HOST IDENTIFICATION HAS CHANGED/, true, () => "ssh: the host's key has changed since it was trusted; check the host, then update known_hosts"],
  [
    /Host key verification failed|No \S+ host key is known/,
    true,
    () => "ssh: the host's key is not in known_hosts; trust it first (for example with ssh-keyscan, checked against the host)",
  ],
  [/Permission denied \(/, true, () => "ssh: the host refused kobuild's key (Permission denied); add its public key to the remote's authorized keys"],
  [/Could not resolve hostname (\S+?):|Could not resolve host: (\S+)|unable to look up (\S+)/, false, (m) => `unknown host ${m[1] ?? m[2] ?? m[3]}`],
  [/Connection refused|Couldn't connect to server/, false, () => "connection refused: nothing listens at that address"],
  [/Connection timed out|Operation timed out|timed out/, false, () => "the remote did not answer in time"],
  [/No route to host|Network is unreachable/, false, () => "no route to the remote's host"],
  [
    /could not read (?:Username|Password)|terminal prompts disabled|Authentication failed/,
    true,
    () => "the remote asks for credentials and kobuild has none for it (it never prompts): give them to a git credential helper of the user kobuild runs as, or use an ssh key",
  ],
  [/SSL certificate problem: ([^\n]+)|server certificate verification failed[^\n]*/, true, (m) => `TLS: the remote's certificate is not trusted${m[1] ? ` (${m[1].trim()})` : ""}`],
  [
    /repository '[^']*' not found|does not appear to be a git repository|not exported|No such file or directory|Repository not found/,
    true,
    () => "no such repository there (or kobuild may not read it)",
  ],
  [/transport '([^']+)' not allowed/, true, (m) => `the ${m[1]} transport is not allowed`],
];

/** What went wrong, from git's standard error when it talked to a remote. */
export function describeRemoteFailure(stderr: string): RemoteFailure {
  for (const [pattern, answered, say] of RULES) {
    const m = pattern.exec(stderr);
    if (m) return { answered, reason: say(m) };
  }
  const fatal = stderr
    .split("\n")
    .map((l) => l.trim())
    .find((l) => l.startsWith("fatal:") || l.startsWith("error:"));
  const said = fatal ?? stderr.trim().split("\n").filter(Boolean).at(-1) ?? "";
  return { answered: true, reason: said ? `git: ${said.replace(/^(fatal|error): /, "")}` : "git failed without a message" };
}
