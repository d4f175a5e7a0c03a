// Headers of every answer, pages and API alike. Pages get their
// Content-Security-Policy from proxy.ts (it needs a fresh nonce per page);
// API answers are data, never documents: nothing in them may run or load.

export const COMMON_SECURITY_HEADERS = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "same-origin" },
  // Older browsers that ignore CSP's frame-ancestors.
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
];

export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * A page's policy. Scripts: only the page's own (Next's inline bootstrap and
 * RSC payload scripts carry the nonce Next reads back from this header), and
 * what they load ('strict-dynamic'). Styles allow inline attributes: React's
 * `style` props (the log's virtual list places rows with them) cannot carry a
 * nonce, and a style cannot run code. Development needs eval for React's
 * error overlays.
 */
export function pageContentSecurityPolicy(nonce: string, development = false): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}
