// Failed sign-ins slow down whoever keeps failing: after a few free failures a
// name (or an address) is locked for 30 s, doubling with each further failure
// up to 15 minutes; a quiet quarter of an hour forgets it. A locked attempt is
// refused before its password is hashed, so it costs nothing. Kept in memory:
// a restart forgets it, which costs an attacker a restart they cannot cause.

export type ThrottleRule = { free: number };
type Entry = { failures: number; lockedUntil: number; lastFailure: number };

const FIRST_LOCK_MS = 30_000;
const MAX_LOCK_MS = 15 * 60_000;
const FORGET_AFTER_MS = 15 * 60_000;
const MAX_ENTRIES = 10_000;

export class SignInThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly rules: Record<string, ThrottleRule>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until the first of these keys (`kind:value`) may try again; 0 when none is locked. */
  waitMs(keys: string[]): number {
    const now = this.now();
    let wait = 0;
    for (const key of keys) {
      const entry = this.live(key, now);
      if (entry) wait = Math.max(wait, entry.lockedUntil - now);
    }
    return wait;
  }

  /** Counts a failure against each key; returns the first key's failures so far and how long the longest lock it started lasts (0: none). */
  fail(keys: string[]): { failures: number; lockedMs: number } {
    const now = this.now();
    let locked = 0;
    let failures = 0;
    for (const key of keys) {
      const entry = this.live(key, now) ?? { failures: 0, lockedUntil: 0, lastFailure: now };
      entry.failures += 1;
      entry.lastFailure = now;
      if (key === keys[0]) failures = entry.failures;
      const over = entry.failures - this.ruleOf(key).free;
      if (over > 0) {
        const lock = Math.min(FIRST_LOCK_MS * 2 ** Math.min(over - 1, 20), MAX_LOCK_MS);
        entry.lockedUntil = now + lock;
        locked = Math.max(locked, lock);
      }
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    this.prune(now);
    return { failures, lockedMs: locked };
  }

  /** A right password: its name starts afresh (an address keeps its count, which fades by itself). */
  succeed(key: string) {
    this.entries.delete(key);
  }

  private ruleOf(key: string): ThrottleRule {
    return this.rules[key.slice(0, key.indexOf(":"))] ?? { free: 5 };
  }

  private live(key: string, now: number): Entry | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (entry.lockedUntil <= now && now - entry.lastFailure > FORGET_AFTER_MS) {
      this.entries.delete(key);
      return null;
    }
    return entry;
  }

  /** Bounded memory: past MAX_ENTRIES, unlocked keys go first, the longest quiet first (Map keeps insertion order). */
  private prune(now: number) {
    if (this.entries.size <= MAX_ENTRIES) return;
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= MAX_ENTRIES) return;
      if (entry.lockedUntil <= now) this.entries.delete(key);
    }
    for (const key of this.entries.keys()) {
      if (this.entries.size <= MAX_ENTRIES) return;
      this.entries.delete(key);
    }
  }
}
