// The builds the recordings were made from, and what their RUN steps print.
// Shared by record.ts (which builds them on a real engine) and the tests
// (which check that every printed line comes back out of the decoders).

import { LINE_CUT_MARKER, MAX_LINE_BYTES, utf8Prefix } from "../line-cut";

export const BASE_IMAGE = "kobuild-test/busybox:1";

/** Kernels the fake builders pretend to compile: rhel-7 takes 3.x, rhel-8 takes 4.x, as the real ones split them. */
const KERNELS = { "rhel-7": "3.10.0-1160.el7.x86_64", "rhel-8": "4.18.0-477.el8.x86_64" } as const;
type Builder = keyof typeof KERNELS;

/** Printed by both builder stages; the argument keeps their lines apart when BuildKit runs them side by side. */
export const PRINT_SCRIPT = `#!/bin/sh
# Prints like a kobuild driver builder: numbered lines on stdout and stderr,
# UTF-8, carriage-return progress, CRLF, task progress lines, one line longer
# than 64 KiB (rhel-8 only) and a last line without its newline.
b=$1
kernel=$2
i=1
while [ $i -le 25 ]; do
  echo "$b out $i"
  echo "$b err $i" >&2
  i=$((i + 1))
done
echo "$b utf8 é 漢字 ünïcødé ✓"
printf '%s progress 10%%\\r%s progress 60%%\\r%s progress 100%%\\n' "$b" "$b" "$b"
printf '%s crlf line\\r\\n' "$b"
echo "KOBUILD-BUILDER builder=$b tasks=3 jobs=2"
echo "KOBUILD-TASK start kernel=$kernel version=2.5.0 flavour=mod"
echo "KOBUILD-TASK end kernel=$kernel version=2.5.0 flavour=mod result=built seconds=1.25"
echo "KOBUILD-TASK start kernel=$kernel version=2.5.0 flavour=bpf"
echo "KOBUILD-TASK end kernel=$kernel version=2.5.0 flavour=bpf result=failed seconds=0.40"
echo "KOBUILD-TASK start kernel=$kernel version=2.6.0 flavour=mod"
echo "KOBUILD-TASK end kernel=$kernel version=2.6.0 flavour=mod result=unavailable seconds=0.00"
if [ "$b" = rhel-8 ]; then
  printf '%s long ' "$b"
  seq -s , 1 14000
fi
echo "$b err last" >&2
printf '%s last line without newline' "$b"
`;

/** Two named builder stages and an unnamed final stage (BuildKit calls it stage-2) that collects both. */
export const MULTISTAGE_DOCKERFILE = `FROM ${BASE_IMAGE} AS rhel-7-builder
COPY print-lines.sh /print-lines.sh
RUN sh /print-lines.sh rhel-7 ${KERNELS["rhel-7"]} && mkdir -p /out && echo rhel-7 > /out/rhel-7.txt

FROM ${BASE_IMAGE} AS rhel-8-builder
COPY print-lines.sh /print-lines.sh
RUN sh /print-lines.sh rhel-8 ${KERNELS["rhel-8"]} && mkdir -p /out && echo rhel-8 > /out/rhel-8.txt

FROM ${BASE_IMAGE}
COPY --from=rhel-7-builder /out/ /drivers/
COPY --from=rhel-8-builder /out/ /drivers/
`;
export const MULTISTAGE_STAGES = ["rhel-7-builder", "rhel-8-builder", "stage-2"];

export const FAILING_COMMAND = `echo "compiling kobuild-probe for ${KERNELS["rhel-8"]}" && echo "error: probe.c:42: unknown type name 'u64'" >&2 && exit 3`;
/** rhel-8-builder fails while rhel-7-builder still sleeps: BuildKit cancels the sleeping step. */
export const FAILING_DOCKERFILE = `FROM ${BASE_IMAGE} AS rhel-7-builder
RUN echo "rhel-7 waiting" && sleep 3

FROM ${BASE_IMAGE} AS rhel-8-builder
RUN ${FAILING_COMMAND}

FROM ${BASE_IMAGE}
COPY --from=rhel-7-builder /etc/ /drivers/7/
COPY --from=rhel-8-builder /etc/ /drivers/8/
`;
export const FAILING_STAGES = ["rhel-7-builder", "rhel-8-builder", "stage-2"];

/** The lines each builder stage prints, per stream, as a reader should see them (no newline, \r handled). */
export function expectedLines(builder: Builder): { stdout: string[]; stderr: string[] } {
  const kernel = KERNELS[builder];
  const stdout: string[] = [];
  const stderr: string[] = [];
  for (let i = 1; i <= 25; i++) {
    stdout.push(`${builder} out ${i}`);
    stderr.push(`${builder} err ${i}`);
  }
  stdout.push(
    `${builder} utf8 é 漢字 ünïcødé ✓`,
    `${builder} progress 100%`,
    `${builder} crlf line`,
    `KOBUILD-BUILDER builder=${builder} tasks=3 jobs=2`,
    `KOBUILD-TASK start kernel=${kernel} version=2.5.0 flavour=mod`,
    `KOBUILD-TASK end kernel=${kernel} version=2.5.0 flavour=mod result=built seconds=1.25`,
    `KOBUILD-TASK start kernel=${kernel} version=2.5.0 flavour=bpf`,
    `KOBUILD-TASK end kernel=${kernel} version=2.5.0 flavour=bpf result=failed seconds=0.40`,
    `KOBUILD-TASK start kernel=${kernel} version=2.6.0 flavour=mod`,
    `KOBUILD-TASK end kernel=${kernel} version=2.6.0 flavour=mod result=unavailable seconds=0.00`,
  );
  // Printed whole, kept as kobuild keeps any line: its first 64 KiB and a marker.
  if (builder === "rhel-8") stdout.push(cutAsKept(longLine(builder)));
  stderr.push(`${builder} err last`);
  stdout.push(`${builder} last line without newline`);
  return { stdout, stderr };
}

function cutAsKept(line: string) {
  return Buffer.byteLength(line) <= MAX_LINE_BYTES ? line : utf8Prefix(Buffer.from(line), MAX_LINE_BYTES).toString("utf8") + LINE_CUT_MARKER;
}

function longLine(builder: Builder) {
  const numbers: number[] = [];
  for (let n = 1; n <= 14000; n++) numbers.push(n);
  return `${builder} long ${numbers.join(",")}`;
}

/** What record.ts wrote next to each recording. */
export type RecordingInfo = {
  name: string;
  builder: "buildkit" | "classic";
  dockerfile: string;
  stages: string[];
  /** The image id the engine reports for the tag after the build (inspect), null when the build failed. */
  imageId: string | null;
  engine: { version: string; apiVersion: string };
  /** File holding the raw response bytes, relative to __recordings__. */
  file: string;
  bytes: number;
};
