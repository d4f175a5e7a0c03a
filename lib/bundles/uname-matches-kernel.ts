/**
 * Whether a bundle's BUNDLE_UNAME belongs to the kernel id its file is named
 * after. The id is the uname itself (6.1.0-56-amd64), or the uname followed by
 * what tells builds of one release apart: an Ubuntu backport
 * (4.15.0-1098-gcp~16.04 for 4.15.0-1098-gcp) or a COS build
 * (5.10.68-16623.39.6-cos for 5.10.68+, whose `+` marks a local version).
 * Anything else would file one kernel's headers under another's name.
 */
export function unameMatchesKernel(uname: string, kernel: string): boolean {
  const release = uname.endsWith("+") ? uname.slice(0, -1) : uname;
  if (release === "" || !kernel.startsWith(release)) return false;
  const next = kernel.charAt(release.length);
  return next === "" || "-~_+.".includes(next);
}
