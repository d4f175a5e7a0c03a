import { PasswordSignInForm } from "@/components/sign-in-form";
import { SingleSignOnButton } from "@/components/single-sign-on-button";
import { sameOriginPath } from "@/lib/auth/oidc-sign-in";
import { env } from "@/lib/env";

export const dynamic = "force-dynamic";
export const metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { next } = await searchParams;
  const wanted = typeof next === "string" ? next : undefined;
  const sso = env().oidc;
  return (
    <div className="mx-auto mt-10 max-w-sm rounded-lg border border-slate-200 bg-white p-6 dark:border-slate-800 dark:bg-slate-900">
      <h1 className="mb-1 text-xl font-bold">Sign in to kobuild</h1>
      <p className="mb-4 text-sm text-slate-600 dark:text-slate-400">Whoever can start a build can run code next to a Docker engine: every action is checked and recorded.</p>
      {sso ? <SingleSignOnButton name={sso.name} href={`/api/auth/oidc/start?next=${encodeURIComponent(sameOriginPath(wanted))}`} /> : null}
      <PasswordSignInForm next={wanted} />
    </div>
  );
}
