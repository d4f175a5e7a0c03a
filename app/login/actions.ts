"use server";

import { redirect } from "next/navigation";
import { recordAudit } from "@/lib/auth/audit";
import { firstAdminSchema } from "@/lib/auth/auth-schemas";
import { redeemFirstAdminLink } from "@/lib/auth/first-start";
import { endBrowserSession, startBrowserSession } from "@/lib/auth/session-cookie";
import { actionError } from "@/lib/http/action-error";

export async function firstAdminAction(_state: unknown, form: FormData): Promise<{ error: string }> {
  let userId: number;
  try {
    const input = firstAdminSchema.parse({ token: form.get("token"), name: form.get("name"), password: form.get("password") });
    const user = await redeemFirstAdminLink(input.token, input.name, input.password);
    recordAudit({ actor: user.name, action: "first admin created" });
    userId = user.id;
  } catch (error) {
    return actionError(error);
  }
  await startBrowserSession(userId);
  redirect("/");
}

export async function signOutAction() {
  await endBrowserSession();
  redirect("/login");
}
