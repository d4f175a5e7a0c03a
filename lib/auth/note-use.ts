import "server-only";

// Noting that a session or token was used is worth a write, never a refusal:
// with the disk full (or the database read-only or busy) people must still be
// able to read the dashboard, to learn what is wrong.
const STORAGE_ERRORS = /^SQLITE_(FULL|IOERR|READONLY|BUSY|LOCKED)/;

export function noteUse(write: () => void) {
  try {
    write();
  } catch (error) {
    if (!STORAGE_ERRORS.test(String((error as { code?: unknown }).code ?? ""))) throw error;
  }
}
