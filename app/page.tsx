import Link from "next/link";
import { ActiveBuilds } from "@/components/builds/active-builds";
import { Card, Stat } from "@/components/card";
import { formatBytes } from "@/components/format";
import { OtherEngines } from "@/components/engines/other-engines";
import { PageHeader } from "@/components/page-header";
import { DriversCard } from "@/components/trends/drivers-card";
import { listBuildViews } from "@/lib/builds/list-builds";
import { describeEngines } from "@/lib/engines/manage-engines";
import { countRecords } from "@/lib/system/count-records";
import { getHealth } from "@/lib/system/get-health";
import { requirePage } from "@/lib/auth/page-guard";
import { describeDriversOverview } from "@/lib/trends/drivers-overview";

export const dynamic = "force-dynamic";

export default async function OverviewPage() {
  await requirePage();
  const health = await getHealth();
  const totals = countRecords();
  const { docker } = health;
  const engines = await describeEngines();
  const drivers = await describeDriversOverview();
  return (
    <>
      <PageHeader title="Overview" description="Dockerized kernel driver builds: header bundles and a driver repository in, drivers and failures out." />
      <div className="grid gap-4 lg:grid-cols-2">
        <div className="lg:col-span-2">
          <DriversCard workspaces={drivers} />
        </div>
        <div className="lg:col-span-2">
          <Card title="Builds">
            <ActiveBuilds initial={listBuildViews({ perPage: 30 })} />
            <p className="mt-4 text-sm">
              <Link href="/builds/new" className="font-semibold text-blue-700 underline dark:text-blue-300">
                Start a build
              </Link>{" "}
              · <Link href="/builds" className="underline">all {totals.builds} builds</Link> · {totals.workspaces} workspace{totals.workspaces === 1 ? "" : "s"}
            </p>
          </Card>
        </div>
        {docker.reachable ? (
          <Card title="Docker engine">
            <dl className="grid grid-cols-2 gap-4">
              <Stat
                label="Engine version"
                value={
                  <>
                    {docker.product === "podman" ? "Podman " : "Docker "}
                    <span data-testid="engine-version">{docker.version}</span>
                  </>
                }
              />
              <Stat label="API version" value={docker.apiVersion} />
              <Stat label="BuildKit" value={docker.buildkit ? "available" : "not available"} />
              <Stat label="Platform" value={`${docker.os}/${docker.arch}`} />
            </dl>
            <p className="mt-3 text-sm text-slate-600 dark:text-slate-400">
              Reached at <code className="font-mono">{docker.host}</code>
            </p>
            <OtherEngines engines={engines} />
          </Card>
        ) : (
          <Card title="Docker engine" tone="warning">
            <p className="font-semibold" data-testid="engine-unreachable">
              kobuild cannot reach the Docker engine at <code className="font-mono">{docker.host}</code>: {docker.error}.
            </p>
            <p className="mt-2 text-sm">Builds, image operations and image reads need it. To fix this:</p>
            <ul className="mt-1 list-disc pl-6 text-sm">
              <li>
                start the engine on this machine (as root: <code className="font-mono">bash scripts/setup-machine.sh</code>, or{" "}
                <code className="font-mono">systemctl start docker</code>), or
              </li>
              <li>
                set <code className="font-mono">DOCKER_HOST</code> to the engine&apos;s address (
                <code className="font-mono">unix:///var/run/docker.sock</code>, <code className="font-mono">tcp://host:2376</code>,{" "}
                <code className="font-mono">ssh://user@host</code>) and restart kobuild.
              </li>
            </ul>
            <p className="mt-2 text-sm">Bundles, history, coverage and failures keep working meanwhile.</p>
            <OtherEngines engines={engines} />
          </Card>
        )}
        <Card title="Storage">
          <dl className="grid grid-cols-2 gap-4 sm:grid-cols-3">
            <Stat label={`Bundles (${totals.bundles})`} value={formatBytes(totals.bundleBytes)} />
            <Stat label="Logs and history (database)" value={formatBytes(totals.databaseBytes)} />
            <Stat label={`Driver images (${totals.images})`} value={formatBytes(totals.imageBytes)} />
            <Stat label="Free in data directory" value={formatBytes(health.dataDir.freeBytes)} />
            <Stat label="Log lines" value={totals.logLines.toLocaleString("en")} />
            <Stat label="Database" value={health.database.ok ? "ok" : "error"} />
          </dl>
          <p className="mt-3 text-sm text-slate-600 dark:text-slate-400">
            Data directory <code className="font-mono">{health.dataDir.path}</code>
          </p>
        </Card>
      </div>
    </>
  );
}
