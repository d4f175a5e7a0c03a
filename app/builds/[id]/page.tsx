import Link from "next/link";
import { notFound } from "next/navigation";
import { BuildPage } from "@/components/build/build-page";
import type { BuildViewJson } from "@/components/build/build-types";
import { getBuildView } from "@/lib/builds/get-build";
import { listEngineRows } from "@/lib/engines/engine-store";
import { listRegistries } from "@/lib/registries/registry-store";
import { DomainError } from "@/lib/domain-error";
import { requirePage } from "@/lib/auth/page-guard";
import { channelsOfBuild } from "@/lib/channels/channel-store";
import { startRerunAction } from "./actions";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

function readBuild(id: string): BuildViewJson {
  if (!/^\d{1,12}$/.test(id)) notFound();
  try {
    // The same JSON the API sends, so the page and its live updates share one shape.
    return JSON.parse(JSON.stringify(getBuildView(Number(id)))) as BuildViewJson;
  } catch (error) {
    if (error instanceof DomainError && error.code === "not_found") notFound();
    throw error;
  }
}

export async function generateMetadata({ params }: Params) {
  const { id } = await params;
  return { title: /^\d{1,12}$/.test(id) ? `Build #${id}` : "Build" };
}

export default async function Page({ params }: Params) {
  await requirePage();
  const { id } = await params;
  const rerun = {
    registries: listRegistries().map((r) => ({ id: r.id, name: r.name, url: r.url })),
    engines: listEngineRows().map((e) => e.name),
    start: startRerunAction,
  };
  const initial = readBuild(id);
  const channels = channelsOfBuild(initial.id);
  return (
    <>
      {channels.length > 0 ? (
        <p className="mb-3 text-sm">
          A catch-up of channel{channels.length === 1 ? "" : "s"}{" "}
          {channels.map((c, i) => (
            <span key={c.id}>
              {i > 0 ? ", " : ""}
              <Link className="font-semibold underline underline-offset-2" href={`/channels#channel-${c.id}`}>
                {c.name}
              </Link>
            </span>
          ))}
        </p>
      ) : null}
      <BuildPage initial={initial} rerun={rerun} />
    </>
  );
}
