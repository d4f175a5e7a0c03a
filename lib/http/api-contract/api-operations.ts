import type { OperationGroup } from "./operation";
import { accessOperations } from "./operations/access";
import { buildOperations } from "./operations/builds";
import { channelOperations } from "./operations/channels";
import { coverageOperations } from "./operations/coverage";
import { engineOperations, imageOperations, registryOperations } from "./operations/images";
import { bundleOperations, workspaceOperations } from "./operations/sources";
import { systemOperations } from "./operations/system";
import { webhookOperations } from "./operations/webhooks";

/** Every operation of the API, by area, in the order the document and the API page list them. */
export const API_OPERATIONS: OperationGroup[] = [
  buildOperations,
  coverageOperations,
  channelOperations,
  bundleOperations,
  workspaceOperations,
  imageOperations,
  engineOperations,
  registryOperations,
  webhookOperations,
  accessOperations,
  systemOperations,
];
