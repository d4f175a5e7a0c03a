import "server-only";
import { ApiError } from "@/lib/http/api-error";
import { recordAudit } from "./audit";
import { SignInThrottle } from "./sign-in-throttle";
import { verifyLogin, type User } from "./users";

// Per name: 5 free failures; per address: 20 (people behind one NAT share it).
const holder = globalThis as unknown as { kobuildSignInThrottle?: SignInThrottle; kobuildRefusedAudit?: { hour: number; rows: number; skipped: number } };
const throttle = (holder.kobuildSignInThrottle ??= new SignInThrottle({ name: { free: 5 }, address: { free: 20 } }));

/** Audit rows for refused sign-ins in one hour, at most; the rest are counted in one row. */
const REFUSED_ROWS_PER_HOUR = 100;

/**
 * Signs in with a name and password from an address: a wrong pair is 401
 * (which of the two is never said), a name or address that failed too often
 * lately is 429 with how long to wait, before any password is hashed.
 */
export async function signIn(name: string, password: string, address: string | null): Promise<User> {
  const keys = [`name:${name.toLowerCase()}`, ...(address ? [`address:${address}`] : [])];
  const wait = throttle.waitMs(keys);
  if (wait > 0) throw tooMany(wait);
  const user = await verifyLogin(name, password);
  if (user) {
    throttle.succeed(keys[0]!);
    recordAudit({ actor: user.name, action: "sign in" });
    return user;
  }
  const { failures, lockedMs } = throttle.fail(keys);
  // Not a row per attempt: a name's first refusal, and each time a lock starts, within an hourly bound.
  if (lockedMs > 0) recordRefusal(name, `sign in refused; locked for ${Math.ceil(lockedMs / 1000)} s after repeated failures`);
  else if (failures === 1) recordRefusal(name, "sign in refused");
  throw new ApiError("unauthorized", "wrong user name or password");
}

function recordRefusal(actor: string, action: string) {
  const hour = Math.floor(Date.now() / 3_600_000);
  const state = (holder.kobuildRefusedAudit ??= { hour, rows: 0, skipped: 0 });
  if (state.hour !== hour) {
    if (state.skipped > 0) recordAudit({ actor: "kobuild", action: `${state.skipped} more refused sign-ins in the hour from ${new Date(state.hour * 3_600_000).toISOString()} not recorded one by one` });
    Object.assign(state, { hour, rows: 0, skipped: 0 });
  }
  if (state.rows >= REFUSED_ROWS_PER_HOUR) {
    state.skipped += 1;
    return;
  }
  state.rows += 1;
  recordAudit({ actor, action });
}

function tooMany(waitMs: number) {
  const seconds = Math.ceil(waitMs / 1000);
  return new ApiError("too_many_requests", `too many failed sign-ins for this name or address: try again in ${seconds} s`, seconds);
}

/**
 * The address a sign-in comes from: the last X-Forwarded-For entry, which is
 * the one the nearest hop wrote (Next writes the connection's own address
 * when no proxy did). A client that reaches kobuild directly can write the
 * header itself, so the per-address limit holds behind a proxy that sets it;
 * the per-name limit holds regardless.
 */
export function signInAddress(headers: Headers): string | null {
  const entries = (headers.get("x-forwarded-for") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  return entries.at(-1)?.slice(0, 64) ?? null;
}
