// A small browser over fetch for flows that cross servers on 127.0.0.1: it
// keeps cookies (by name and path, as a browser does for one host: ports do
// not separate cookies) and follows redirects one hop at a time, so a test
// sees every answer on the way.

type Cookie = { value: string; path: string };

export class CookieBrowser {
  readonly cookies = new Map<string, Cookie>();

  cookieHeader(url: URL): string {
    return [...this.cookies]
      .filter(([, c]) => url.pathname === c.path || url.pathname.startsWith(c.path.endsWith("/") ? c.path : `${c.path}/`))
      .map(([name, c]) => `${name}=${c.value}`)
      .join("; ");
  }

  /** One request, no redirect followed; cookies set by the answer are kept. */
  async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const headers = new Headers(init.headers);
    const cookie = this.cookieHeader(target);
    if (cookie) headers.set("cookie", cookie);
    const response = await fetch(target, { ...init, headers, redirect: "manual" });
    for (const line of response.headers.getSetCookie()) this.keep(line);
    return response;
  }

  private keep(line: string) {
    const [pair, ...attributes] = line.split(";").map((s) => s.trim());
    const at = pair!.indexOf("=");
    const name = pair!.slice(0, at);
    const value = pair!.slice(at + 1);
    const attr = (key: string) => attributes.find((a) => a.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1);
    const expires = attr("expires");
    const gone = attr("max-age") === "0" || value === "" || (expires !== undefined && Date.parse(expires) <= Date.now());
    if (gone) this.cookies.delete(name);
    else this.cookies.set(name, { value, path: attr("path") ?? "/" });
  }

  /** Follows redirects from `url` until an answer that is not one; returns it and the address it came from. */
  async follow(url: string | URL, init: RequestInit = {}): Promise<{ response: Response; url: URL; hops: URL[] }> {
    let current = new URL(url);
    let response = await this.fetch(current, init);
    const hops = [current];
    while (response.status >= 300 && response.status < 400 && response.headers.has("location")) {
      if (hops.length > 20) throw new Error(`too many redirects: ${hops.join(" -> ")}`);
      current = new URL(response.headers.get("location")!, current);
      hops.push(current);
      response = await this.fetch(current);
    }
    return { response, url: current, hops };
  }

  /** Submits the first form of an HTML page as a browser would: its hidden fields, plus `fields`. */
  async submitForm(page: { html: string; url: URL }, fields: Record<string, string> = {}) {
    const form = /<form\b[^>]*>([\s\S]*?)<\/form>/i.exec(page.html);
    if (!form) throw new Error(`no form on ${page.url}:\n${page.html.slice(0, 2000)}`);
    const action = /action="([^"]*)"/i.exec(form[0])?.[1] ?? page.url.href;
    const body = new URLSearchParams();
    for (const input of form[1]!.matchAll(/<input\b[^>]*>/gi)) {
      const name = /name="([^"]*)"/i.exec(input[0])?.[1];
      const value = /value="([^"]*)"/i.exec(input[0])?.[1] ?? "";
      if (name && /type="hidden"/i.test(input[0])) body.set(name, value);
    }
    for (const [name, value] of Object.entries(fields)) body.set(name, value);
    return this.follow(new URL(action.replace(/&amp;/g, "&"), page.url), { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
  }
}
