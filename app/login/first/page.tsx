import { SignInForm } from "@/components/sign-in-form";
import { firstAdminAction } from "../actions";

export const dynamic = "force-dynamic";
export const metadata = { title: "First admin" };

export default async function FirstAdminPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token } = await searchParams;
  return (
    <div className="mx-auto mt-10 max-w-sm rounded-lg border border-slate-200 bg-white p-6 dark:border-slate-800 dark:bg-slate-900">
      <h1 className="mb-1 text-xl font-bold">Create the first admin</h1>
      <p className="mb-4 text-sm text-slate-600 dark:text-slate-400">This one-time link came from kobuild&apos;s console. The admin you create here adds everyone else on the Settings page.</p>
      <SignInForm action={firstAdminAction} submitLabel="Create admin and sign in" hidden={{ token: typeof token === "string" ? token : "" }} newPassword />
    </div>
  );
}
