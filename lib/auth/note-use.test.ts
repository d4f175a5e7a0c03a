import { describe, expect, it } from "vitest";
import { noteUse } from "./note-use";

const sqliteError = (code: string) => Object.assign(new Error(code), { code });

describe("noteUse", () => {
  it("lets a request through when the disk is full or the database cannot be written", () => {
    for (const code of ["SQLITE_FULL", "SQLITE_IOERR_WRITE", "SQLITE_READONLY", "SQLITE_BUSY"]) {
      expect(() => noteUse(() => { throw sqliteError(code); })).not.toThrow();
    }
  });

  it("does not hide any other error", () => {
    expect(() => noteUse(() => { throw sqliteError("SQLITE_CONSTRAINT_FOREIGNKEY"); })).toThrow("SQLITE_CONSTRAINT_FOREIGNKEY");
    expect(() => noteUse(() => { throw new TypeError("a bug"); })).toThrow("a bug");
  });
});
