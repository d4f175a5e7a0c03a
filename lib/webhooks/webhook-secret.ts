import "server-only";
import { getSecretBox } from "@/lib/auth/secret-box";
import { DomainError } from "@/lib/domain-error";

// A webhook's secret is sealed at rest as registry passwords are
// (lib/auth/secret-box), bound to its row: opened in memory to sign one
// delivery, never returned, never logged.

const sealContext = (webhookId: number) => `webhook:${webhookId}`;

export function sealWebhookSecret(webhookId: number, secret: string): string {
  return getSecretBox().seal(secret, sealContext(webhookId));
}

export function openWebhookSecret(webhookId: number, sealed: string): string {
  try {
    return getSecretBox().open(sealed, sealContext(webhookId));
  } catch {
    throw new DomainError(
      "conflict",
      `the secret of webhook ${webhookId} cannot be opened: kobuild's secret key changed (KOBUILD_SECRET_KEY or the data directory's secret.key); remove the webhook and add it again`,
    );
  }
}
