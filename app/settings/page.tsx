import { PageHeader } from "@/components/page-header";
import { EnginesSection } from "@/components/engines/engines-section";
import { describeEngines } from "@/lib/engines/manage-engines";
import { RegistriesSection } from "@/components/registries/registries-section";
import { listRegistries } from "@/lib/registries/registry-store";
import { WebhooksSection } from "@/components/webhooks/webhooks-section";
import { listWebhooks } from "@/lib/webhooks/webhook-store";
import { AccessSections } from "@/components/access/access-sections";
import { PasswordSection } from "@/components/access/password-section";
import { listApiTokens } from "@/lib/auth/api-tokens";
import { listAudit } from "@/lib/auth/audit";
import { hasRole } from "@/lib/auth/roles";
import { listUsers } from "@/lib/auth/users";
import {
  addEngineAction,
  addRegistryAction,
  addWebhookAction,
  addUserAction,
  addWorkspaceAction,
  changePasswordAction,
  createTokenAction,
  disableUserAction,
  fetchWorkspaceAction,
  pingWebhookAction,
  pruneRetentionAction,
  removeEngineAction,
  redeliverWebhookAction,
  removeRegistryAction,
  removeWebhookAction,
  updateWebhookAction,
  removeWorkspaceAction,
  revokeTokenAction,
  setRetentionAction,
  updateEngineAction,
  updateWorkspaceAction,
} from "./actions";
import { describeConfig } from "@/lib/system/describe-config";
import { WorkspacesSection } from "@/components/workspaces/workspaces-section";
import { describeWorkspaces } from "@/lib/workspace/describe-workspace";
import { requirePage } from "@/lib/auth/page-guard";
import { RetentionSection } from "@/components/retention/retention-section";
import { getRetentionSettings } from "@/lib/retention/retention-store";

export const dynamic = "force-dynamic";
export const metadata = { title: "Settings" };

export default async function SettingsPage() {
  const principal = await requirePage();
  const rows = describeConfig();
  const isAdmin = hasRole(principal.role, "admin");
  return (
    <>
      <PageHeader title="Settings" description="The configuration this dashboard started with (change it through the environment and restart), the workspaces builds are made of, the Docker engines builds run on, the registries builds and image operations use, and the webhooks kobuild tells of failures." />
      <table className="w-full max-w-4xl text-left text-sm">
        <caption className="sr-only">Configuration</caption>
        <thead>
          <tr className="border-b border-slate-300 dark:border-slate-700">
            <th scope="col" className="py-2 pr-4">Variable</th>
            <th scope="col" className="py-2 pr-4">Value</th>
            <th scope="col" className="py-2">Meaning</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.name} className="border-b border-slate-200 dark:border-slate-800">
              <th scope="row" className="py-2 pr-4 font-mono font-normal">{r.name}</th>
              <td className="py-2 pr-4 font-mono break-all">{r.value}</td>
              <td className="py-2 text-slate-600 dark:text-slate-400">{r.meaning}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <WorkspacesSection
        initial={await describeWorkspaces()}
        actions={{
          add: isAdmin ? addWorkspaceAction : null,
          update: isAdmin ? updateWorkspaceAction : null,
          remove: isAdmin ? removeWorkspaceAction : null,
          fetch: hasRole(principal.role, "operator") ? fetchWorkspaceAction : null,
        }}
      />
      <EnginesSection initial={await describeEngines()} actions={isAdmin ? { add: addEngineAction, update: updateEngineAction, remove: removeEngineAction } : null} />
      {principal.via === "session" ? <PasswordSection change={changePasswordAction} /> : null}
      {isAdmin ? (
        <>
          <RetentionSection settings={getRetentionSettings()} actions={{ set: setRetentionAction, prune: pruneRetentionAction }} />
          <RegistriesSection registries={listRegistries()} add={addRegistryAction} remove={removeRegistryAction} />
          <WebhooksSection hooks={listWebhooks()} actions={{ add: addWebhookAction, update: updateWebhookAction, remove: removeWebhookAction, ping: pingWebhookAction, redeliver: redeliverWebhookAction }} />
          <AccessSections users={listUsers()} tokens={listApiTokens()} audit={listAudit()} addUser={addUserAction} createToken={createTokenAction} revokeToken={revokeTokenAction} disableUser={disableUserAction} me={principal.userId} />
        </>
      ) : (
        <p className="mt-8 text-sm text-slate-600 dark:text-slate-400">Changing workspaces, engines, retention, registries, webhooks, users, API tokens and the audit log are for admins; you are signed in as {principal.name} ({principal.role}).</p>
      )}
    </>
  );
}
