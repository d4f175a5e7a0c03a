// The build page over a 500,000-line log in Debian's chromium. A classic
// build (it keeps every line) whose one step prints 500,000 lines; then its
// page, signed in with the benchmark's API token: navigation to the log's
// first lines painted and to the whole log held, opening the big section,
// the viewer's "Jump to the end" to the last line on screen, and a search
// with about a thousand hits to its count and first hit on screen.
import path from "node:path";
import { chromium, type Page } from "@playwright/test";
import { auth, benchPort, goal, makeDockerfileWorkspace, percentile, postJson, startServer, tempDir, waitForEnd } from "./support";

const TOOLCHAIN = "kobuild/toolchain:bookworm-1";
const LINES = 500_000;
const RUNS = Number(process.env.KOBUILD_BENCH_RUNS ?? 5);
/** Lines 123, 1230-1239, 12300-12399 and 123000-123999: 1,111 hits (the search ignores case and takes the query as text). */
const QUERY = "line 123";
const LAST = `line ${LINES} of ${LINES}:`;

type Result = Record<string, number | string>;

const round = (n: number) => Math.round(n * 10) / 10;

// Scripts go to the page as text: tsx would wrap functions in helpers the page lacks.
// Each resolves one frame after what it waits for is in the DOM, so the frame is painted.
const IN_PAGE = `
  window.__kobuild = {
    until(check) {
      return new Promise((resolve) => {
        const tick = () => (check() ? requestAnimationFrame(() => resolve(performance.now())) : requestAnimationFrame(tick));
        tick();
      });
    },
    /** Whether an element is inside the log's scroll box, on screen. */
    onScreen(el) {
      const box = document.querySelector('[data-testid="log-lines"]').getBoundingClientRect();
      const r = el.getBoundingClientRect();
      return r.bottom > box.top && r.top < box.bottom && r.height > 0;
    },
    rowWith(text) {
      return [...document.querySelectorAll('[data-testid="log-lines"] [data-seq]')].find((row) => row.textContent.includes(text) && window.__kobuild.onScreen(row));
    },
    section() {
      return document.querySelector('[data-testid="log-section"][data-section="stage-0"]');
    },
    toTop() {
      const el = document.querySelector('[data-testid="log-lines"]');
      el.scrollTop = 0;
      el.dispatchEvent(new Event("scroll"));
    },
  };
`;

/**
 * Navigation start to the first log lines painted, and to every line held (the count says so, no longer
 * "loading"). A finished build's sections are closed: the link to the stage's section (as the stage
 * timeline makes) opens it, so its lines show as they arrive.
 */
async function openPage(page: Page, url: string) {
  // From a blank page: the same URL with a fragment again would only scroll, not load.
  await page.goto("about:blank");
  await page.goto(`${url}#stage-stage-0`, { waitUntil: "domcontentloaded" });
  await page.evaluate(IN_PAGE);
  return (await page.evaluate(`(async () => {
    const k = window.__kobuild;
    const rows = await k.until(() => [...document.querySelectorAll('[data-testid="log-lines"] [data-seq]')].some(k.onScreen));
    const held = await k.until(() => {
      const text = document.querySelector('[data-testid="log-line-count"]')?.textContent ?? "";
      return !text.includes("loading") && Number(text.replace(/[^0-9]/g, "")) >= ${LINES};
    });
    return { rows, held };
  })()`)) as { rows: number; held: number };
}

/** The closed section of the 500,000 lines opened (click to its lines painted), then "Jump to the end" (click to the last line on screen). */
async function openAndJump(page: Page) {
  return (await page.evaluate(`(async () => {
    const k = window.__kobuild;
    if (k.section()?.dataset.open !== "false") {
      // Back to the top, which also stops following the end (a scroll event at the end of a short list would start it).
      k.toTop();
      // The list renders the rows at the top on the scroll event's next frame.
      await k.until(() => k.section());
      k.section().querySelector("button").click();
      await k.until(() => k.section()?.dataset.open === "false");
    }
    let t0 = performance.now();
    k.section().querySelector("button").click();
    const open = (await k.until(() => document.querySelector('[data-testid="log-lines"] [data-seq]'))) - t0;
    const button = () => [...document.querySelectorAll("button")].find((b) => b.textContent.trim() === "Jump to the end");
    await k.until(button);
    t0 = performance.now();
    button().click();
    const end = (await k.until(() => k.rowWith(${JSON.stringify(LAST)}))) - t0;
    return { open, end };
  })()`)) as { open: number; end: number };
}

/**
 * The query typed into the search box, then Enter (which searches at once; typing alone waits
 * for a 200 ms pause first): from the key to the hit count and the first hit on screen.
 */
async function search(page: Page, withEnter: boolean) {
  const box = page.getByPlaceholder("Search the log");
  // Cleared first: the same query again would not search.
  await box.fill("");
  await page.evaluate(`window.__kobuild.until(() => document.querySelector('[data-testid="search-count"]').textContent === "")`);
  await page.evaluate(`(() => {
    const k = window.__kobuild;
    k.toTop();
    const input = document.querySelector('input[type="search"]');
    const t = {};
    input.addEventListener(${JSON.stringify(withEnter ? "keydown" : "input")}, () => (t.start = performance.now()), { capture: true, once: true });
    const counted = () => /^1 of [0-9,]+\\+? matches$/.test(document.querySelector('[data-testid="search-count"]').textContent);
    k.answer = (async () => {
      const count = await k.until(counted);
      const hit = await k.until(() => counted() && [...document.querySelectorAll('mark[data-match="current"]')].some(k.onScreen));
      return { count: count - t.start, hit: hit - t.start, shown: document.querySelector('[data-testid="search-count"]').textContent };
    })();
  })()`);
  await box.fill(QUERY);
  if (withEnter) await box.press("Enter");
  return (await page.evaluate("window.__kobuild.answer")) as { count: number; hit: number; shown: string };
}

/**
 * While the page reads the log, another client asks `/api/health` every 100 ms: its slowest answer is how
 * long the dashboard kept everyone else waiting to send the log.
 */
function watchOthers(origin: string) {
  const waits: number[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const t0 = Date.now();
      await (await fetch(`${origin}/api/health`, { headers: auth })).arrayBuffer();
      waits.push(Date.now() - t0);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return async () => {
    running = false;
    await done;
    return waits;
  };
}

async function measure(url: string): Promise<Result> {
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
  try {
    // The benchmark signs in with its API token, which pages accept as well as a session.
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, extraHTTPHeaders: auth });
    const loads: { rows: number; held: number }[] = [];
    const stopWatching = watchOthers(new URL(url).origin);
    for (let i = 0; i < RUNS; i++) loads.push(await openPage(page, url));
    const othersWaited = await stopWatching();
    const jumps: { open: number; end: number }[] = [];
    for (let i = 0; i < RUNS; i++) jumps.push(await openAndJump(page));
    const searches: { count: number; hit: number; shown: string }[] = [];
    for (let i = 0; i < RUNS; i++) searches.push(await search(page, true));
    const typed: { count: number; hit: number; shown: string }[] = [];
    for (let i = 0; i < RUNS; i++) typed.push(await search(page, false));
    const figure = (values: number[]) => ({ median: round(percentile(values, 50)), max: round(Math.max(...values)) });
    const rows = figure(loads.map((l) => l.rows));
    const held = figure(loads.map((l) => l.held));
    const open = figure(jumps.map((j) => j.open));
    const end = figure(jumps.map((j) => j.end));
    const counted = figure(searches.map((s) => s.count));
    const hit = figure(searches.map((s) => s.hit));
    const debounced = figure(typed.map((s) => s.hit));
    return {
      [`log page: navigation (link to the stage's section) to its first log lines painted (ms, median of ${RUNS})`]: goal(rows.median, "< 1500", (x) => x < 1500),
      "log page: navigation to the first log lines painted (ms, slowest)": rows.max,
      [`log page: navigation to all ${LINES.toLocaleString("en-US")} lines held (ms, median of ${RUNS})`]: held.median,
      "log page: navigation to all lines held (ms, slowest)": held.max,
      "log page: another client's slowest /api/health while the pages loaded (ms)": goal(Math.max(...othersWaited), "< 500", (x) => x < 500),
      [`log page: open the closed section of ${LINES.toLocaleString("en-US")} lines, click to its lines painted (ms, median of ${RUNS})`]: open.median,
      "log page: open the section (ms, slowest)": open.max,
      [`log page: "Jump to the end", click to "line ${LINES} of ${LINES}" on screen (ms, median of ${RUNS})`]: end.median,
      'log page: "Jump to the end" (ms, slowest)': end.max,
      "log page: search query": QUERY,
      "log page: search hit count shown": [...new Set(searches.map((s) => s.shown))].join("; "),
      [`log page: search, Enter to the hit count shown (ms, median of ${RUNS})`]: goal(counted.median, "< 200", (x) => x < 200),
      "log page: search, Enter to the hit count shown (ms, slowest)": counted.max,
      [`log page: search, Enter to the first hit on screen (ms, median of ${RUNS})`]: goal(hit.median, "< 200", (x) => x < 200),
      "log page: search, Enter to the first hit on screen (ms, slowest)": hit.max,
      [`log page: search, typed without Enter (its 200 ms pause included) to the first hit on screen (ms, median of ${RUNS})`]: debounced.median,
      "log page: search, typed without Enter, to the first hit on screen (ms, slowest)": debounced.max,
    };
  } finally {
    await browser.close();
  }
}

export async function benchLogPage(): Promise<Result> {
  const dataDir = tempDir("log-page");
  process.env.KOBUILD_DATA_DIR = dataDir;
  const { registerWorkspace } = await import("../lib/workspace/register-workspace");
  const nonce = `${process.pid}-${Date.now()}`;
  const flood = await registerWorkspace({
    name: "flood",
    // A driver build must leave /kernel-modules; this one only floods the log.
    path: makeDockerfileWorkspace(path.join(dataDir, "flood"), [`FROM ${TOOLCHAIN}`, `RUN echo ${nonce} && seq -f "line %.0f of ${LINES}: the quick brown fox jumps over the lazy dog" 1 ${LINES} && mkdir -p /kernel-modules /FAILURES`, ""].join("\n")),
    dockerfile: "Dockerfile",
    network: "none",
  });
  const server = await startServer(dataDir, benchPort + 5);
  try {
    // The classic builder hands over every line; engine 20.10's BuildKit loses the tail of so large a log.
    const build = (await postJson(`${server.url}/api/builds`, { workspaceId: flood.id, branch: "master", builder: "classic" })) as { id: number };
    await waitForEnd(server, build.id);
    const log = await (await fetch(`${server.url}/api/builds/${build.id}/logs?stage=stage-0`, { headers: auth })).text();
    const stored = log.split("\n").filter((l) => /^line \d+ of/.test(l)).length;
    if (stored !== LINES) throw new Error(`build ${build.id} stored ${stored} of ${LINES} lines`);
    return { "log page: lines in the build's log": stored, ...(await measure(`${server.url}/builds/${build.id}`)) };
  } finally {
    await server.stop();
  }
}
