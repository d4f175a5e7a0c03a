import fs from "node:fs";
import path from "node:path";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { env } from "@/lib/env";

// Secrets at rest (registry passwords) are sealed with AES-256-GCM: a random
// 96-bit nonce per value, the 128-bit tag checked on open, and a context
// string (what the secret belongs to) bound in as associated data, so a
// sealed value copied onto another record does not open there.
//
// Sealed form: "v1:" + base64(nonce | tag | ciphertext).

const VERSION = "v1";
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
export const KEY_FILE_NAME = "secret.key";

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretBoxError";
  }
}

export type SecretBox = {
  seal(plaintext: string, context: string): string;
  open(sealed: string, context: string): string;
};

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== KEY_BYTES) throw new SecretBoxError(`a secret key has ${KEY_BYTES} bytes, not ${key.length}`);
  return {
    seal(plaintext, context) {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv("aes-256-gcm", key, nonce);
      cipher.setAAD(Buffer.from(context, "utf8"));
      const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return `${VERSION}:${Buffer.concat([nonce, cipher.getAuthTag(), body]).toString("base64")}`;
    },
    open(sealed, context) {
      const [version, payload] = sealed.split(":", 2);
      if (version !== VERSION || !payload) throw new SecretBoxError("not a sealed secret");
      const bytes = Buffer.from(payload, "base64");
      if (bytes.length < NONCE_BYTES + TAG_BYTES) throw new SecretBoxError("a sealed secret too short to open");
      const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, NONCE_BYTES));
      decipher.setAAD(Buffer.from(context, "utf8"));
      decipher.setAuthTag(bytes.subarray(NONCE_BYTES, NONCE_BYTES + TAG_BYTES));
      try {
        return Buffer.concat([decipher.update(bytes.subarray(NONCE_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8");
      } catch {
        throw new SecretBoxError("the secret does not open with this key: it was sealed with another key, for another record, or altered");
      }
    },
  };
}

/**
 * The key: the configured one, or the data directory's key file, made on
 * first use with mode 0600. A key file others can read is refused rather
 * than used.
 */
export function loadSecretKey({ configured, dataDir }: { configured: Buffer | null; dataDir: string }): Buffer {
  if (configured) return configured;
  const file = path.join(dataDir, KEY_FILE_NAME);
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    // wx: of two processes starting at once, one writes and the other reads.
    fs.writeFileSync(file, randomBytes(KEY_BYTES).toString("hex") + "\n", { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const stat = fs.statSync(file);
  if ((stat.mode & 0o077) !== 0) {
    throw new SecretBoxError(`${file} can be read by other users (mode ${(stat.mode & 0o777).toString(8)}); run chmod 600 on it`);
  }
  const text = fs.readFileSync(file, "utf8").trim();
  if (!/^[0-9a-f]{64}$/.test(text)) throw new SecretBoxError(`${file} does not hold a key (64 hex digits)`);
  return Buffer.from(text, "hex");
}

const holder = globalThis as unknown as { kobuildSecretBox?: SecretBox };

/** The box for this process: KOBUILD_SECRET_KEY, or the data directory's key file. */
export function getSecretBox(): SecretBox {
  const e = env();
  holder.kobuildSecretBox ??= createSecretBox(loadSecretKey({ configured: e.secretKey, dataDir: e.dataDir }));
  return holder.kobuildSecretBox;
}
