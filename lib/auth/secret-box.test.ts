import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createSecretBox, KEY_FILE_NAME, loadSecretKey, SecretBoxError } from "./secret-box";

const box = createSecretBox(randomBytes(32));

describe("createSecretBox", () => {
  it("opens what it sealed, and the sealed text does not hold the secret", () => {
    const secret = "pässwörd with spaces and 🔑";
    const sealed = box.seal(secret, "registry:local");
    expect(sealed).toMatch(/^v1:[A-Za-z0-9+/]+=*$/);
    expect(sealed).not.toContain("pässwörd");
    expect(Buffer.from(sealed.slice(3), "base64").includes(Buffer.from(secret))).toBe(false);
    expect(box.open(sealed, "registry:local")).toBe(secret);
  });

  it("seals the same secret differently each time", () => {
    expect(box.seal("same", "c")).not.toBe(box.seal("same", "c"));
  });

  it("refuses a sealed value altered, moved to another record, or opened with another key", () => {
    const sealed = box.seal("hunter2", "registry:a");
    const bytes = Buffer.from(sealed.slice(3), "base64");
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 1, bytes.length - 1);
    expect(() => box.open(`v1:${bytes.toString("base64")}`, "registry:a")).toThrow(SecretBoxError);
    expect(() => box.open(sealed, "registry:b")).toThrow(/does not open with this key/);
    expect(() => createSecretBox(randomBytes(32)).open(sealed, "registry:a")).toThrow(/does not open with this key/);
    expect(() => box.open("hunter2", "registry:a")).toThrow(/not a sealed secret/);
    expect(() => box.open("v1:AAAA", "registry:a")).toThrow(/too short/);
  });

  it("takes only 32-byte keys", () => {
    expect(() => createSecretBox(Buffer.alloc(16))).toThrow(/32 bytes/);
  });
});

describe("loadSecretKey", () => {
  const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "kobuild-key-"));

  it("makes a 0600 key file on first use and reads the same key afterwards", () => {
    const dir = tmp();
    const first = loadSecretKey({ configured: null, dataDir: dir });
    expect(first.length).toBe(32);
    expect(fs.statSync(path.join(dir, KEY_FILE_NAME)).mode & 0o777).toBe(0o600);
    expect(loadSecretKey({ configured: null, dataDir: dir })).toEqual(first);
    // What one process sealed, the next one opens.
    const sealed = createSecretBox(first).seal("x", "c");
    expect(createSecretBox(loadSecretKey({ configured: null, dataDir: dir })).open(sealed, "c")).toBe("x");
  });

  it("prefers the configured key and then writes no file", () => {
    const dir = tmp();
    const key = randomBytes(32);
    expect(loadSecretKey({ configured: key, dataDir: dir })).toBe(key);
    expect(fs.existsSync(path.join(dir, KEY_FILE_NAME))).toBe(false);
  });

  it("refuses a key file other users can read, and one that holds no key", () => {
    const dir = tmp();
    loadSecretKey({ configured: null, dataDir: dir });
    fs.chmodSync(path.join(dir, KEY_FILE_NAME), 0o644);
    expect(() => loadSecretKey({ configured: null, dataDir: dir })).toThrow(/can be read by other users \(mode 644\)/);
    fs.chmodSync(path.join(dir, KEY_FILE_NAME), 0o600);
    fs.writeFileSync(path.join(dir, KEY_FILE_NAME), "not a key\n");
    expect(() => loadSecretKey({ configured: null, dataDir: dir })).toThrow(/does not hold a key/);
  });
});
