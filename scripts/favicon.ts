// Makes app/favicon.ico from app/icon.svg: browsers ask for /favicon.ico
// whatever the page links. The SVG is drawn by Debian's chromium at 16, 32
// and 48 pixels, and the PNGs are packed into one ICO file (PNG entries, as
// every browser since 2010 reads them). Run: npx tsx scripts/favicon.ts
import fs from "node:fs";
import path from "node:path";
import { chromium } from "@playwright/test";

const root = path.join(__dirname, "..");
const sizes = [16, 32, 48];

async function main() {
  const svg = fs.readFileSync(path.join(root, "app", "icon.svg"), "utf8");
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
  const pngs: Buffer[] = [];
  try {
    for (const size of sizes) {
      const page = await browser.newPage({ viewport: { width: size, height: size } });
      await page.setContent(`<html><body style="margin:0;background:transparent">${svg.replace("<svg ", `<svg width="${size}" height="${size}" `)}</body></html>`);
      pngs.push(await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } }));
      await page.close();
    }
  } finally {
    await browser.close();
  }
  // ICONDIR, one ICONDIRENTRY per image, then the PNGs.
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(pngs.length, 4);
  let offset = 6 + 16 * pngs.length;
  const entries = pngs.map((png, i) => {
    const entry = Buffer.alloc(16);
    entry.writeUInt8(sizes[i]! % 256, 0);
    entry.writeUInt8(sizes[i]! % 256, 1);
    entry.writeUInt16LE(1, 4);
    entry.writeUInt16LE(32, 6);
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += png.length;
    return entry;
  });
  fs.writeFileSync(path.join(root, "app", "favicon.ico"), Buffer.concat([header, ...entries, ...pngs]));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
