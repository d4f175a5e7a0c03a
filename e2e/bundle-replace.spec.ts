import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { readSampleRecord } from "../test/sample-record";
import { saveScreenshot } from "./screenshot";

// A bundle for a kernel already stored, with other bytes: the Bundles page
// says so with both sha256 and replaces the stored one only after the user
// confirms. The stored sample bundle is put back at the end.

const record = readSampleRecord();
const original = record.byRole("series");
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

type ApiBundle = { id: number; kernel: string; sha256: string; size: number };

async function storedBundle(request: APIRequestContext): Promise<ApiBundle> {
  const { bundles } = (await (await request.get("/api/bundles")).json()) as { bundles: ApiBundle[] };
  return bundles.find((b) => b.kernel === original.kernel)!;
}

test("a bundle for a stored kernel replaces it after the confirmation, and the audit log says so; without it nothing changes", async ({ page, request }) => {
  test.setTimeout(120_000);
  const bytes = fs.readFileSync(record.fileOf(original));
  // The same headers, compressed again: a valid bundle for the kernel, with other bytes.
  const other = zlib.gzipSync(zlib.gunzipSync(bytes), { level: 1 });
  expect(sha256(other)).not.toBe(original.sha256);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kobuild-e2e-replace-"));
  const file = path.join(dir, original.file);
  fs.writeFileSync(file, other);
  const before = await storedBundle(request);
  expect(before.sha256).toBe(original.sha256);

  try {
    await page.goto("/bundles");
    await page.getByLabel("Choose bundle files").setInputFiles(file);
    const item = page.getByRole("list", { name: "Uploads" }).getByRole("listitem", { name: original.file, exact: true });
    await expect(item).toContainText(
      `not stored: another bundle for kernel ${original.kernel} is stored (sha256 ${original.sha256.slice(0, 12)}…); this file is sha256 ${sha256(other).slice(0, 12)}…: replace it?`,
    );
    await expect(item).not.toContainText("duplicate_kernel");

    // Asked, and refused: nothing changes.
    const replace = item.getByRole("button", { name: `Replace the stored bundle ${original.kernel}` });
    await replace.click();
    const dialog = page.getByRole("dialog", { name: `Replace bundle ${original.kernel}?` });
    await expect(dialog).toContainText("Builds already made keep the sha256 they used");
    await saveScreenshot(page, "bundles-replace-confirm");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
    await expect(replace).toBeFocused();
    expect(await storedBundle(request)).toEqual(before);

    // Confirmed: the file goes again, replaces the stored one, same id, new sha256.
    await replace.click();
    await dialog.getByRole("button", { name: "Replace bundle" }).click();
    await expect(item).toContainText(`replaced the stored bundle ${original.kernel}: sha256 ${original.sha256.slice(0, 12)}… → ${sha256(other).slice(0, 12)}…`, { timeout: 30_000 });
    await expect(page.getByTestId("upload-summary")).toHaveText("1 replaced");
    await saveScreenshot(page, "bundles-replaced");
    const after = await storedBundle(request);
    expect(after).toMatchObject({ id: before.id, sha256: sha256(other), size: other.length });

    const { entries } = (await (await request.get("/api/audit")).json()) as { entries: { action: string; target: string | null }[] };
    expect(entries.find((e) => e.action === "replace bundle")?.target).toBe(`${original.kernel}: sha256 ${original.sha256} → ${sha256(other)}`);

    // The API without replace=1 refuses other content for the kernel, in words and with both sha256.
    const refused = await request.post("/api/bundles", { multipart: { bundle: { name: original.file, mimeType: "application/gzip", buffer: bytes } } });
    expect(refused.status()).toBe(409);
    const body = (await refused.json()) as { results: { status: string; conflict: unknown }[] };
    expect(body.results[0]).toMatchObject({ status: "rejected", conflict: { kernel: original.kernel, storedSha256: sha256(other), sha256: original.sha256 } });
  } finally {
    // The sample's own bundle back, as the other tests expect it.
    const restored = await request.post("/api/bundles?replace=1", { multipart: { bundle: { name: original.file, mimeType: "application/gzip", buffer: bytes } } });
    expect([200, 201]).toContain(restored.status());
    expect((await storedBundle(request)).sha256).toBe(original.sha256);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
