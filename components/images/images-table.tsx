import Link from "next/link";
import { formatBytes, formatDate } from "@/components/format";
import type { DriverImageItem } from "@/lib/driver-images/list-driver-images";
import { LayerCount } from "./layer-count";

/** The driver images, one row per image id: names, size, layers, drivers and failures per module version. */
export function ImagesTable({ images }: { images: DriverImageItem[] }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Driver images, newest first</caption>
        <thead className="bg-slate-100 text-xs uppercase tracking-wide text-slate-600 dark:bg-slate-800 dark:text-slate-300">
          <tr>
            <th scope="col" className="px-3 py-2">Image</th>
            <th scope="col" className="px-3 py-2">Id</th>
            <th scope="col" className="px-3 py-2 text-right">Size</th>
            <th scope="col" className="px-3 py-2">Layers</th>
            <th scope="col" className="px-3 py-2">Created</th>
            <th scope="col" className="px-3 py-2">Drivers per module version</th>
            <th scope="col" className="px-3 py-2">
              <span className="sr-only">Links</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {images.map((image) => {
            const names = [...image.refs, ...image.registryRefs.map((r) => r.ref)];
            return (
              <tr key={image.dockerId ?? names[0]} data-image-id={image.recordId ?? ""} data-refs={names.join(" ")} className="border-t border-slate-200 align-top dark:border-slate-800">
                <th scope="row" className="px-3 py-2 font-normal">
                  <ul className="space-y-0.5">
                    {image.refs.map((ref) => (
                      <li key={ref} className="break-all font-mono text-xs">
                        {ref}
                      </li>
                    ))}
                    {image.registryRefs.map((r) => (
                      <li key={r.ref} className="break-all font-mono text-xs">
                        {r.ref} <span className="rounded bg-sky-100 px-1 font-sans text-sky-900 dark:bg-sky-900 dark:text-sky-100">registry {r.registry}</span>
                      </li>
                    ))}
                    {names.length === 0 ? <li className="text-xs text-slate-600 dark:text-slate-400">untagged</li> : null}
                  </ul>
                  <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">
                    {[image.local ? "in the engine" : "not in the engine", image.recordId ? `read ${formatDate(image.readAt)}` : "not read by kobuild"].join(" · ")}
                  </p>
                </th>
                <td className="px-3 py-2 font-mono text-xs" title={image.dockerId ?? undefined}>
                  {image.dockerId ? image.dockerId.replace(/^sha256:/, "").slice(0, 12) : "—"}
                </td>
                <td className="px-3 py-2 text-right tabular-nums whitespace-nowrap">{formatBytes(image.size)}</td>
                <td className="px-3 py-2 whitespace-nowrap">
                  <LayerCount layers={image.layers} state={image.layerState} before={image.layersBefore} />
                </td>
                <td className="px-3 py-2 whitespace-nowrap">{image.createdAt ? formatDate(image.createdAt) : "—"}</td>
                <td className="px-3 py-2">
                  {image.versions.length ? (
                    <ul className="space-y-0.5 text-xs">
                      {image.versions.map((v) => (
                        <li key={v.moduleVersion}>
                          <span className="font-mono font-semibold">{v.moduleVersion}</span>: {v.modules} module{v.modules === 1 ? "" : "s"}, {v.probes} eBPF probe{v.probes === 1 ? "" : "s"}
                          {v.markers ? `, ${v.markers} unavailable` : ""}
                          {v.failures ? (
                            <span className="font-semibold text-orange-800 dark:text-orange-300">
                              {" "}
                              · <span aria-hidden="true">✕</span> {v.failures} failure{v.failures === 1 ? "" : "s"}
                            </span>
                          ) : null}
                        </li>
                      ))}
                    </ul>
                  ) : (
                    <span className="text-xs text-slate-600 dark:text-slate-400">{image.recordId ? "no drivers" : "—"}</span>
                  )}
                </td>
                <td className="px-3 py-2 text-xs whitespace-nowrap">
                  {image.recordId ? (
                    <Link href={`/coverage?image=${image.recordId}`} className="block text-blue-700 underline-offset-2 hover:underline dark:text-blue-300">
                      Coverage
                    </Link>
                  ) : null}
                  {image.producedBy ? (
                    <Link href={`/builds/${image.producedBy.buildId}`} className="block text-blue-700 underline-offset-2 hover:underline dark:text-blue-300">
                      {image.producedBy.kind === "drivers" ? "Build" : image.producedBy.kind} #{image.producedBy.buildId}
                    </Link>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
