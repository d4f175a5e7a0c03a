"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition } from "react";
import { Field, inputClass } from "@/components/form-parts";
import type { BuildNetwork } from "@/lib/vocabulary";
import { useBuildPlan, useWorkspaceRefs, workspaceRefsQuery, type WorkspaceRefsView } from "@/components/queries";
import { BranchField } from "./branch-field";
import { BundlePicker } from "./bundle-picker";
import type { BundleChoice } from "./bundle-selection";
import { lostBundlesText, toBuildBody, type BuildFormState, type LostBundles } from "./build-form-state";
import { CachePicker } from "./cache-picker";
import { EnginesFieldset, type RegistryChoice } from "./engines-fieldset";
import { Check, Fieldset, Radio } from "./form-controls";
import { NetworkChoices } from "./network-choices";
import { PlanPreview } from "./plan-preview";
import { describeShardSplit } from "./sharding-choice";

type Props = {
  workspaces: { id: number; name: string; network: BuildNetwork }[];
  initialRefs: WorkspaceRefsView;
  bundles: BundleChoice[];
  initial: BuildFormState;
  /** The build this form repeats, when it does, and its bundles that are no longer stored. */
  from: { id: number; hadCredentials: boolean; lostBundles: LostBundles } | null;
  /** Registries that can carry shards between engines, and the configured engines' names. */
  registries: RegistryChoice[];
  engines: string[];
  startBuild: (body: unknown) => Promise<{ error: string; field?: string }>;
};

/** Waits until the value has stopped changing for `ms`, so typing does not send a preview per key. */
function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export function BuildForm({ workspaces, initialRefs, bundles, initial, from, registries, engines, startBuild }: Props) {
  const router = useRouter();
  const [state, setState] = useState<BuildFormState>(initial);
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [starting, startTransition] = useTransition();
  const set = <K extends keyof BuildFormState>(key: K, value: BuildFormState[K]) => setState((s) => ({ ...s, [key]: value }));

  const queryClient = useQueryClient();
  const refs = useWorkspaceRefs(state.workspaceId, { workspaceId: initial.workspaceId, refs: initialRefs });
  /** Another workspace: its default branch replaces the branch once its refs are read (unless the user typed one meanwhile). */
  const chooseWorkspace = async (workspaceId: number) => {
    setState((s) => ({ ...s, workspaceId, branch: "" }));
    const chosen = await queryClient.fetchQuery(workspaceRefsQuery(workspaceId)).catch(() => null);
    setState((s) => (s.workspaceId === workspaceId && s.branch === "" ? { ...s, branch: chosen?.defaultBranch ?? "" } : s));
  };
  const workspace = workspaces.find((w) => w.id === state.workspaceId);
  const noBundleChosen = state.kernels === "chosen" && state.chosenBundles.length === 0;

  const previewBody = useSettled(JSON.stringify(toBuildBody(state, { withSecrets: false })), 300);
  // No bundle chosen is no build: the task master is not asked to plan one.
  const plan = useBuildPlan(previewBody, !noBundleChosen);

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    setSubmitError(null);
    startTransition(async () => {
      const result = await startBuild(toBuildBody(state, { withSecrets: true }));
      // Only a refusal comes back: success redirects to the build's page.
      if (result?.error) setSubmitError(result.error);
    });
  };

  return (
    <form onSubmit={submit} className="grid gap-6 xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]" aria-label="New build">
      <div className="space-y-6">
        {from ? (
          <p className="rounded border border-sky-400 bg-sky-50 p-3 text-sm dark:border-sky-700 dark:bg-sky-950/40">
            Options of build <a className="underline" href={`/builds/${from.id}`}>#{from.id}</a>.
            {from.hadCredentials ? " It used Red Hat credentials: kobuild does not keep them, type them again below." : ""}
            {lostBundlesText(from.lostBundles)}
          </p>
        ) : null}
        <Fieldset legend="Source">
          <Field label="Workspace" hint="The driver repository checkout whose dockerized Dockerfile runs.">
            {(id) => (
              <select
                id={id}
                className={inputClass}
                value={state.workspaceId}
                onChange={(e) => {
                  const workspaceId = Number(e.target.value);
                  void chooseWorkspace(workspaceId);
                  router.replace(`/builds/new?workspace=${workspaceId}`, { scroll: false });
                }}
              >
                {workspaces.map((w) => (
                  <option key={w.id} value={w.id}>
                    {w.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <BranchField refs={refs.data} loading={refs.isLoading} value={state.branch} onChange={(v) => set("branch", v)} />
          <Check
            label="Check out BRANCH before patching (CHECKOUT_BEFORE_PATCHING)"
            hint="On: the committed sources of BRANCH are built. Off: the working tree as it is, uncommitted changes included."
            checked={state.checkoutBeforePatching}
            onChange={(v) => set("checkoutBeforePatching", v)}
          />
          <Check
            label="Also build released module versions (LEGACY_PROBES)"
            hint={`Adds every collector version listed in RELEASED_VERSIONS${refs.data?.releasedModuleVersions.length ? ` (module versions ${refs.data.releasedModuleVersions.join(", ")})` : ""}.`}
            checked={state.legacyProbes}
            onChange={(v) => set("legacyProbes", v)}
          />
        </Fieldset>

        <Fieldset legend="Kernels">
          <Radio name="kernels" value="all" current={state.kernels} onChange={(v) => set("kernels", v)} label={`Every stored bundle (${bundles.length})`} hint="The build context carries all of them, as stored when the build starts." />
          <Radio
            name="kernels"
            value="chosen"
            current={state.kernels}
            onChange={(v) => set("kernels", v)}
            label="The bundles I choose"
            hint="Exactly the checked bundles go into the build context; run again keeps them."
          />
          {state.kernels === "chosen" ? (
            <div className="sm:ml-7">
              <BundlePicker bundles={bundles} chosen={state.chosenBundles} onChange={(v) => set("chosenBundles", v)} />
            </div>
          ) : null}
          <Radio
            name="kernels"
            value="file"
            current={state.kernels}
            onChange={(v) => set("kernels", v)}
            label={`The kernels of kernel-modules/KERNEL_VERSIONS (USE_KERNELS_FILE)${refs.data ? `, ${refs.data.kernelVersions} listed` : ""}`}
            hint="Bundles are ignored for choosing kernels; a kernel without its bundle fails in the builder."
          />
        </Fieldset>

        <EnginesFieldset value={state.sharding} onChange={(v) => set("sharding", v)} registries={registries} engines={engines} />

        <Fieldset legend="Cache">
          <p className="text-sm text-slate-600 dark:text-slate-400">
            A driver image of an earlier build: tasks whose driver (or eBPF unavailability marker) it holds are skipped, and its drivers are carried into the result. Leave both empty to build everything.
          </p>
          <CachePicker
            onPick={({ repo, tag }) => setState((s) => ({ ...s, cacheRepo: repo, cacheTag: tag }))}
          />
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Cache repository (CACHE_REPO)" hint="The image is <repository>/collector-drivers:<tag>.">
              {(id) => <input id={id} className={inputClass} value={state.cacheRepo} onChange={(e) => set("cacheRepo", e.target.value)} placeholder="127.0.0.1:5000/drivers" spellCheck={false} />}
            </Field>
            <Field label="Cache tag (CACHE_TAG)" hint="Never the tag this build writes.">
              {(id) => <input id={id} className={inputClass} value={state.cacheTag} onChange={(e) => set("cacheTag", e.target.value)} placeholder="nightly" spellCheck={false} />}
            </Field>
          </div>
        </Fieldset>

        <Fieldset legend="Build">
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Parallel drivers (BUILD_JOBS)" hint="Per builder; empty: one per CPU of the engine.">
              {(id) => <input id={id} className={inputClass} inputMode="numeric" value={state.buildJobs} onChange={(e) => set("buildJobs", e.target.value.replace(/[^0-9]/g, ""))} placeholder="auto" />}
            </Field>
            <Field label="Builder" hint="BuildKit runs the two builders in parallel; the classic builder keeps every log line.">
              {(id) => (
                <select id={id} className={inputClass} value={state.builder} onChange={(e) => set("builder", e.target.value as BuildFormState["builder"])}>
                  <option value="auto">Auto (BuildKit if present)</option>
                  <option value="buildkit">BuildKit</option>
                  <option value="classic">Classic builder</option>
                </select>
              )}
            </Field>
            <div className="space-y-3 sm:col-span-2">
              <NetworkChoices value={state.network} workspace={workspace ?? null} onChange={(v) => set("network", v)} />
              <Check
                label="No cache (--no-cache)"
                hint="Every step runs again instead of coming from the engine's build cache; drivers the CACHE_REPO image holds are still skipped."
                checked={state.noCache}
                onChange={(v) => set("noCache", v)}
              />
              <Check
                label="Pull base images (--pull)"
                hint="Base images are pulled from their registry even when the engine has them; a base image no registry serves makes the build fail."
                checked={state.pull}
                onChange={(v) => set("pull", v)}
              />
            </div>
            <div className="sm:col-span-2">
              <Field label="Result image tag" hint="Empty: kobuild/collector-drivers:build-<id>-<installation>.">
                {(id) => <input id={id} className={inputClass} value={state.tag} onChange={(e) => set("tag", e.target.value)} placeholder="kobuild/collector-drivers:nightly" spellCheck={false} />}
              </Field>
            </div>
          </div>
        </Fieldset>

        <Fieldset legend="Red Hat credentials">
          <p className="text-sm text-slate-600 dark:text-slate-400">
            For base stages that register with Red Hat (REDHAT_USERNAME, REDHAT_PASSWORD). Kept in memory for this build only, masked in its log, never stored or shown.
          </p>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Username">
              {(id) => <input id={id} className={inputClass} value={state.redhatUsername} onChange={(e) => set("redhatUsername", e.target.value)} autoComplete="off" spellCheck={false} />}
            </Field>
            <Field label="Password">
              {(id) => <input id={id} type="password" className={inputClass} value={state.redhatPassword} onChange={(e) => set("redhatPassword", e.target.value)} autoComplete="new-password" />}
            </Field>
          </div>
        </Fieldset>
      </div>

      <div className="space-y-4 xl:sticky xl:top-4 xl:self-start">
        <PlanPreview
          plan={noBundleChosen ? undefined : plan.data}
          loading={plan.isFetching}
          error={noBundleChosen ? "No bundle is chosen: check at least one, or send every stored bundle." : plan.error ? plan.error.message : null} shardSplit={describeShardSplit(state.sharding)} />
        {submitError ? (
          <p role="alert" className="rounded border border-amber-500 bg-amber-50 p-3 text-sm dark:bg-amber-950/40">
            ⚠ The build was not started: {submitError}
          </p>
        ) : null}
        {noBundleChosen ? (
          <p className="text-sm" data-testid="no-bundle-chosen">
            Choose at least one bundle, or send every stored bundle.
          </p>
        ) : null}
        <button
          type="submit"
          disabled={starting || noBundleChosen}
          className="w-full rounded-md bg-blue-700 px-4 py-2.5 font-semibold text-white hover:bg-blue-800 disabled:opacity-60 dark:bg-blue-600 dark:hover:bg-blue-500"
        >
          {starting ? "Starting…" : plan.data && !noBundleChosen ? `Start build: ${plan.data.toBuild.toLocaleString("en")} tasks` : "Start build"}
        </button>
      </div>
    </form>
  );
}
