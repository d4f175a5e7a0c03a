// The coverage grid at real scale in Debian's chromium: time to first render
// of the grid (navigation start to the first cell on screen) and time for a
// filter to apply (click to the next painted frame with the new summary).
import { chromium } from "@playwright/test";
import { benchCoverageImage } from "./coverage-image";
import { auth, benchPort, startServer } from "./support";

type Result = Record<string, number | string>;

const round = (n: number) => Math.round(n * 10) / 10;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function measure(url: string): Promise<Result> {
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
  try {
    // The benchmark signs in with its API token, which pages accept as well as a session.
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, extraHTTPHeaders: auth });
    const renders: number[] = [];
    for (let i = 0; i < 5; i++) {
      await page.goto(url, { waitUntil: "domcontentloaded" });
      // The server-rendered grid: the first cell button that is on screen.
      // Scripts go to the page as text: tsx would wrap functions in helpers the page lacks.
      const ms = (await page.evaluate(`new Promise((resolve) => {
        const check = () => (document.querySelector('[role="gridcell"] button') ? resolve(performance.now()) : requestAnimationFrame(check));
        check();
      })`)) as number;
      renders.push(ms);
    }
    const filters: number[] = [];
    // Each click changes which kernels are shown: a distribution filter on, then off again.
    for (const index of [0, 0, 1, 1, 2, 2]) {
      const ms = (await page.evaluate(`new Promise((resolve) => {
        const summary = document.querySelector('[data-testid="grid-summary"]');
        const before = summary.textContent;
        const button = document.querySelectorAll('[role="group"][aria-label="Distribution"] button')[__INDEX__];
        const start = performance.now();
        button.click();
        const check = () => (summary.textContent !== before ? requestAnimationFrame(() => resolve(performance.now() - start)) : requestAnimationFrame(check));
        check();
      })`.replace("__INDEX__", String(index)))) as number;
      filters.push(ms);
    }
    return {
      "coverage grid: first render in chromium (ms, median of 5)": round(median(renders)),
      "coverage grid: filter applied (ms, median of 6)": round(median(filters)),
      "coverage grid: filter applied (ms, slowest)": round(Math.max(...filters)),
    };
  } finally {
    await browser.close();
  }
}

/** Generates the real-scale image, reads it, times the API, then the grid in chromium. */
export async function benchCoverage(): Promise<Result> {
  return benchCoverageImage({
    // A smaller image for a quick check of the benchmark itself.
    kernels: Number(process.env.KOBUILD_BENCH_KERNELS ?? 6000),
    whileReady: async ({ dataDir, imageId }) => {
      const server = await startServer(dataDir, benchPort + 2);
      try {
        return await measure(`${server.url}/coverage?image=${imageId}`);
      } finally {
        await server.stop();
      }
    },
  });
}
