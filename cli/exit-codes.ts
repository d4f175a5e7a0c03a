// What `kobuild`'s exit status means, for CI scripts to branch on.

export const EXIT = {
  /** The command did what was asked (a build succeeded, a driver exists). */
  ok: 0,
  /** The answer is "no": the build failed or was cancelled, a kernel has no driver. */
  no: 1,
  /** The command line is wrong: nothing was sent. */
  usage: 2,
  /** The dashboard answered with an error (a bad token, a role too small, an unknown id, a refused input). */
  refused: 3,
  /** The dashboard could not be reached, or broke off and did not come back. */
  unreachable: 4,
} as const;

/** A mistake on the command line: the message and the command's help. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
