// Small icons that go with a status word; never the only sign of a status.

type IconName = "stored" | "duplicate" | "rejected" | "cancelled" | "queued" | "uploading" | "upload";

const paths: Record<IconName, string> = {
  // check in a circle
  stored: "M9 12l2 2 4-4m6 2a9 9 0 11-18 0 9 9 0 0118 0z",
  // two sheets: a copy
  duplicate: "M8 8V5a2 2 0 012-2h9a2 2 0 012 2v9a2 2 0 01-2 2h-3M5 8h9a2 2 0 012 2v9a2 2 0 01-2 2H5a2 2 0 01-2-2v-9a2 2 0 012-2z",
  // triangle with an exclamation mark
  rejected: "M12 9v4m0 4h.01M10.3 3.9L1.8 18a2 2 0 001.7 3h17a2 2 0 001.7-3L13.7 3.9a2 2 0 00-3.4 0z",
  // x in a circle
  cancelled: "M15 9l-6 6m0-6l6 6m6-3a9 9 0 11-18 0 9 9 0 0118 0z",
  // clock
  queued: "M12 7v5l3 2m6-2a9 9 0 11-18 0 9 9 0 0118 0z",
  // arrow up
  uploading: "M12 19V5m-6 6l6-6 6 6",
  // tray with an arrow up
  upload: "M4 16v2a2 2 0 002 2h12a2 2 0 002-2v-2M12 4v12m-5-7l5-5 5 5",
};

export function StatusIcon({ name, className = "h-5 w-5" }: { name: IconName; className?: string }) {
  return (
    <svg aria-hidden="true" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" className={`shrink-0 ${className}`}>
      <path d={paths[name]} />
    </svg>
  );
}
