import { ConfirmButton } from "@/components/confirm-button";
import { formatBytes } from "@/components/format";
import { StatusIcon } from "./status-icon";
import { outcomeSentence, shortSha } from "./upload-outcome";
import { uploadSpeed, type UploadItem } from "./upload-queue";

// Blue for what went in, orange for what was refused, grey for the rest: told apart by word and icon too.
const tone = {
  stored: "text-blue-700 dark:text-blue-300",
  rejected: "text-orange-700 dark:text-orange-300",
  quiet: "text-slate-600 dark:text-slate-400",
};

/** One file of the uploads panel: its progress while it is sent, then what the server made of it. */
export function UploadRow({ item, onCancel, onReplace }: { item: UploadItem; onCancel: () => void; onReplace: () => void }) {
  const name = item.file.name;
  const percent = item.file.size > 0 ? Math.floor((item.loaded / item.file.size) * 100) : 100;
  const speed = uploadSpeed(item);
  return (
    <li aria-label={name} className="py-3" data-state={item.state}>
      <div className="flex flex-wrap items-start justify-between gap-x-4 gap-y-1">
        <span className="min-w-0 break-all font-mono text-sm">{name}</span>{" "}
        {item.outcome?.status !== "rejected" && item.outcome?.status !== "conflict" ? <Status item={item} /> : null}
      </div>
      {item.outcome?.status === "duplicate" || item.outcome?.status === "replaced" ? (
        <p className={`mt-1 text-sm ${tone.quiet}`} data-testid="upload-detail">
          {outcomeSentence(item.outcome)}
        </p>
      ) : null}
      {item.outcome?.status === "conflict" ? <Conflict outcome={item.outcome} onReplace={onReplace} /> : null}
      {item.outcome?.status === "rejected" ? (
        // The reason can be long: it gets a line of its own.
        <p className={`mt-1 flex items-start gap-1.5 text-sm ${tone.rejected}`}>
          <StatusIcon name="rejected" className="mt-0.5 h-4 w-4" />
          <span className="min-w-0 break-words">
            <span className="font-semibold">rejected:</span> {item.outcome.reason}
          </span>
        </p>
      ) : null}
      {item.state === "uploading" || item.state === "checking" || item.state === "queued" ? (
        <div className="mt-2 flex items-center gap-3">
          <div
            role="progressbar"
            aria-label={`Upload of ${name}`}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={percent}
            aria-valuetext={`${percent}%, ${formatBytes(item.loaded)} of ${formatBytes(item.file.size)}`}
            className="h-2 flex-1 overflow-hidden rounded-full bg-slate-200 dark:bg-slate-700"
          >
            <div className="h-full rounded-full bg-blue-600 transition-[width] duration-150 dark:bg-blue-400" style={{ width: `${percent}%` }} />
          </div>
          <span className="whitespace-nowrap text-xs tabular-nums text-slate-600 dark:text-slate-400">
            {formatBytes(item.loaded)} of {formatBytes(item.file.size)}
            {speed !== null ? ` · ${(speed / 1e6).toFixed(1)} MB/s` : null}
          </span>
          {item.state !== "checking" ? (
            <button
              type="button"
              onClick={onCancel}
              aria-label={`Cancel ${name}`}
              className="rounded-md border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
            >
              Cancel
            </button>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}

function Status({ item }: { item: UploadItem }) {
  const outcome = item.outcome;
  if (outcome?.status === "stored" || outcome?.status === "replaced") {
    return (
      <span className={`flex items-center gap-1.5 text-sm font-medium ${tone.stored}`}>
        <StatusIcon name="stored" className="h-4 w-4" />
        {outcome.status}{" "}
        <span className="font-normal text-slate-600 dark:text-slate-400">
          {outcome.status === "stored" ? "as " : ""}
          <span className="font-mono">{outcome.kernel}</span>
        </span>
      </span>
    );
  }
  if (outcome?.status === "duplicate") {
    return (
      <span className={`flex items-center gap-1.5 text-sm font-medium ${tone.quiet}`}>
        <StatusIcon name="duplicate" className="h-4 w-4" />
        <span>
          duplicate of <span className="font-mono">{outcome.kernel}</span>
        </span>
      </span>
    );
  }
  const waiting = { queued: ["queued", "waiting"], uploading: ["uploading", "uploading"], checking: ["uploading", "checking…"], cancelled: ["cancelled", "cancelled"], done: ["queued", ""] } as const;
  const [icon, word] = waiting[item.state];
  return (
    <span className={`flex items-center gap-1.5 text-sm ${tone.quiet}`}>
      <StatusIcon name={icon} className="h-4 w-4" />
      {word}
    </span>
  );
}

/** Another bundle of the file's kernel is stored: say so with both sha256, and offer to replace it after a confirmation. */
function Conflict({ outcome, onReplace }: { outcome: Extract<NonNullable<UploadItem["outcome"]>, { status: "conflict" }>; onReplace: () => void }) {
  return (
    <div className={`mt-1 flex flex-wrap items-start gap-x-3 gap-y-2 text-sm ${tone.rejected}`}>
      <p className="flex min-w-0 flex-1 items-start gap-1.5">
        <StatusIcon name="rejected" className="mt-0.5 h-4 w-4" />
        <span className="min-w-0 break-words">
          <span className="font-semibold">not stored:</span> {outcomeSentence(outcome)}
        </span>
      </p>
      <ConfirmButton
        trigger={{
          text: "Replace the stored bundle",
          label: `Replace the stored bundle ${outcome.kernel}`,
          className: "rounded-md border border-orange-600 px-2 py-0.5 text-xs font-medium text-orange-800 hover:bg-orange-50 dark:border-orange-400 dark:text-orange-200 dark:hover:bg-orange-950/40",
        }}
        title={
          <>
            Replace bundle <span className="break-all font-mono">{outcome.kernel}</span>?
          </>
        }
        description={`Builds already made keep the sha256 they used. The stored bundle (sha256 ${shortSha(outcome.storedSha256)}) is replaced by this file (sha256 ${shortSha(outcome.sha256)}), which is uploaded again and checked in full before the stored one goes; builds started from now on use it.`}
        confirm={{ text: "Replace bundle", busyText: "Replacing…", tone: "orange" }}
        refusal="Not replaced:"
        act={async () => {
          onReplace();
          return null;
        }}
      />
    </div>
  );
}
