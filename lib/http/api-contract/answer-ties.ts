import type { z } from "zod";
import type { listApiTokens, createApiToken, revokeApiToken } from "@/lib/auth/api-tokens";
import type { listAudit } from "@/lib/auth/audit";
import type { listUsers } from "@/lib/auth/users";
import type { listBundleSources } from "@/lib/bundle-sources/bundle-source-store";
import type { listBundles } from "@/lib/bundles/list-bundles";
import type { receiveBundleUploads } from "@/lib/bundles/receive-bundle-uploads";
import type { getBuildView } from "@/lib/builds/get-build";
import type { listBuildViews } from "@/lib/builds/list-builds";
import type { describeEngines } from "@/lib/engines/manage-engines";
import type { listRegistries } from "@/lib/registries/registry-store";
import type { getRetentionSettings } from "@/lib/retention/retention-store";
import type { getHealth } from "@/lib/system/get-health";
import type { listWebhooks } from "@/lib/webhooks/webhook-store";
import type { describeWorkspaces } from "@/lib/workspace/describe-workspace";
import type { describeWorkspaceRefs } from "@/lib/workspace/describe-workspace-refs";
import type { describeRerun } from "@/lib/builds/shards/create-rerun";
import type { pollBundleSource } from "@/lib/bundle-sources/poll-bundle-source";
import type { findDriverFile } from "@/lib/driver-images/driver-file";
import type { pullFromRegistry, pushToRegistry } from "@/lib/driver-images/transfer-driver-image";
import type { acknowledgeFailureGroup } from "@/lib/failure-groups/acknowledge-failure-group";
import type { listRegistryTags } from "@/lib/registries/registry-http";
import type { previewBuildPlan } from "@/lib/builds/plan/preview-build-plan";
import type { syncChannel } from "@/lib/channels/catch-up";
import type { channelView, deleteChannel } from "@/lib/channels/channel-store";
import type { receiveGitHook } from "@/lib/channels/git-hook";
import type { getComparisonView, getCoverageView } from "@/lib/coverage/coverage-view";
import type { getFailureView, listFailuresView } from "@/lib/coverage/list-failures";
import type { getImageView, listImageViews } from "@/lib/driver-images/image-view";
import type { listDriverImages } from "@/lib/driver-images/list-driver-images";
import type { recordDriverImage } from "@/lib/driver-images/record-driver-image";
import type { lookupDrivers } from "@/lib/drivers/lookup-drivers";
import type { getFailureGroup } from "@/lib/failure-groups/get-failure-group";
import type { listFailureGroups } from "@/lib/failure-groups/list-failure-groups";
import type { pruneRecords } from "@/lib/retention/prune-records";
import type { getWorkspaceTrends } from "@/lib/trends/list-trends";
import type * as answers from "./answer-schemas";
import type * as channelAnswers from "./channel-answer-schemas";
import type * as coverageAnswers from "./coverage-answer-schemas";
import type * as imageAnswers from "./image-answer-schemas";

// Holds what the lib functions behind the routes return to the answer schemas
// the document publishes: a field renamed or retyped there fails the
// typecheck here, so the contract cannot drift from the code.

/** A value as `Response.json` sends it: a Date becomes its ISO string (arrays and tuples keep their shape). */
type Wire<T> = T extends Date ? string : T extends readonly unknown[] ? { -readonly [K in keyof T]: Wire<T[K]> } : T extends object ? { [K in keyof T]: Wire<T[K]> } : T;
type Answer<F extends (...args: never[]) => unknown> = Wire<Awaited<ReturnType<F>>>;
/** True when every answer the function can give fits the documented schema. */
type Fits<Actual, Schema extends z.ZodType> = [Actual] extends [z.output<Schema>] ? true : { notDocumented: Actual; documented: z.output<Schema> };

export const answerTies = {
  health: true satisfies Fits<Answer<typeof getHealth>, typeof answers.healthSchema>,
  users: true satisfies Fits<Answer<typeof listUsers>[number], typeof answers.userSchema>,
  tokens: true satisfies Fits<Answer<typeof listApiTokens>[number], typeof answers.apiTokenSchema>,
  createdToken: true satisfies Fits<Answer<typeof createApiToken>, typeof answers.createdApiTokenSchema>,
  revokedToken: true satisfies Fits<Answer<typeof revokeApiToken>, typeof answers.revokedApiTokenSchema>,
  audit: true satisfies Fits<Answer<typeof listAudit>[number], typeof answers.auditEntrySchema>,
  workspaces: true satisfies Fits<Answer<typeof describeWorkspaces>[number], typeof answers.workspaceSchema>,
  bundles: true satisfies Fits<Answer<typeof listBundles>[number], typeof answers.bundleSchema>,
  bundleSources: true satisfies Fits<Answer<typeof listBundleSources>[number], typeof answers.bundleSourceSchema>,
  engines: true satisfies Fits<Answer<typeof describeEngines>[number], typeof answers.engineSchema>,
  registries: true satisfies Fits<Answer<typeof listRegistries>[number], typeof answers.registrySchema>,
  webhooks: true satisfies Fits<Answer<typeof listWebhooks>[number], z.ZodType<z.output<typeof answers.webhooksAnswerSchema>["webhooks"][number]>>,
  retention: true satisfies Fits<Answer<typeof getRetentionSettings>, typeof answers.retentionSettingsSchema>,
  buildList: true satisfies Fits<Answer<typeof listBuildViews>, typeof answers.buildListSchema>,
  driverFile: true satisfies Fits<Answer<typeof findDriverFile>, typeof answers.driverFileSchema>,
  pushed: true satisfies Fits<Answer<typeof pushToRegistry>, typeof answers.pushedImageSchema>,
  tags: true satisfies Fits<Answer<typeof listRegistryTags>, z.ZodType<z.output<typeof answers.registryTagsSchema>["tags"]>>,
  poll: true satisfies Fits<Answer<typeof pollBundleSource>, typeof answers.bundleSourcePollSchema>,
  acknowledgement: true satisfies Fits<Answer<typeof acknowledgeFailureGroup>, typeof answers.acknowledgementSchema>,
  pulled: true satisfies Fits<Answer<typeof pullFromRegistry>, typeof answers.pulledImageSchema>,
  uploads: true satisfies Fits<Answer<typeof receiveBundleUploads>[number], z.ZodType<z.output<typeof answers.bundleUploadSchema>["results"][number] | { code: string }>>,
  refs: true satisfies Fits<Answer<typeof describeWorkspaceRefs>, typeof answers.workspaceRefsSchema>,
  rerun: true satisfies Fits<Answer<typeof describeRerun>, typeof answers.rerunPreviewSchema>,
  build: true satisfies Fits<Answer<typeof getBuildView>, typeof answers.buildSchema>,
  planPreview: true satisfies Fits<Answer<typeof previewBuildPlan>, typeof answers.buildPlanPreviewSchema>,
  prune: true satisfies Fits<Answer<typeof pruneRecords>, typeof answers.prunePlanSchema>,
  coverage: true satisfies Fits<Answer<typeof getCoverageView>, typeof coverageAnswers.coverageGridSchema>,
  failures: true satisfies Fits<Answer<typeof listFailuresView>, typeof coverageAnswers.failuresAnswerSchema>,
  failure: true satisfies Fits<Answer<typeof getFailureView>, typeof coverageAnswers.failureSchema>,
  comparison: true satisfies Fits<Answer<typeof getComparisonView>, typeof coverageAnswers.comparisonSchema>,
  failureGroups: true satisfies Fits<Answer<typeof listFailureGroups>, typeof coverageAnswers.failureGroupsAnswerSchema>,
  failureGroup: true satisfies Fits<Answer<typeof getFailureGroup>, typeof coverageAnswers.failureGroupDetailSchema>,
  trends: true satisfies Fits<Answer<typeof getWorkspaceTrends>, typeof coverageAnswers.trendsSchema>,
  driverLookup: true satisfies Fits<Answer<typeof lookupDrivers>, typeof coverageAnswers.driverLookupSchema>,
  image: true satisfies Fits<Answer<typeof getImageView>, typeof imageAnswers.imageRecordSchema>,
  inspectedImage: true satisfies Fits<Answer<typeof recordDriverImage>["image"], typeof imageAnswers.imageRecordSchema>,
  imagePage: true satisfies Fits<Answer<typeof listImageViews>, typeof imageAnswers.imageRecordsPageSchema>,
  driverImages: true satisfies Fits<Answer<typeof listDriverImages>, typeof imageAnswers.driverImageListingSchema>,
  channel: true satisfies Fits<Answer<typeof channelView>, typeof channelAnswers.channelSchema>,
  removedChannel: true satisfies Fits<Pick<Answer<typeof deleteChannel>, "id" | "name">, typeof channelAnswers.removedChannelSchema>,
  sync: true satisfies Fits<Answer<typeof syncChannel>, z.ZodType<z.output<typeof channelAnswers.channelSyncSchema>["sync"]>>,
  gitHook: true satisfies Fits<Answer<typeof receiveGitHook>, typeof channelAnswers.gitHookAnswerSchema>,
};
