"use server";

import { redirect } from "next/navigation";
import { recordAudit } from "@/lib/auth/audit";
import { firstAdminSchema, signInSchema } from "@/lib/auth/auth-schemas";
import { redeemFirstAdminLink } from "@/lib/auth/first-start";
import { endBrowserSession, startBrowserSession } from "@/lib/auth/session-cookie";
import { verifyLogin } from "@/lib/auth/users";
import { actionError } from "@/lib/http/action-error";

/** Only paths of this dashboard: a sign-in never sends the browser elsewhere. */
const safeNext = (next: unknown) => (typeof next === "string" && /^\/(?!\/)[\w\-./?=&%]*$/.test(next) ? next : "/");

export async function signInAction(_state: unknown, form: FormData): Promise<{ error: string; name?: string }> {
  const parsed = signInSchema.safeParse({ name: form.get("name"), password: form.get("password") });
  if (!parsed.success) return { error: "enter your user name and password" };
  const user = await verifyLogin(parsed.data.name, parsed.data.password);
  if (!user) {
    recordAudit({ actor: parsed.data.name, action: "sign in refused" });
    return { error: "wrong user name or password", name: parsed.data.name };
  }
  await startBrowserSession(user.id);
  recordAudit({ actor: user.name, action: "sign in" });
  redirect(safeNext(form.get("next")));
}

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
