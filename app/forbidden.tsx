import Link from "next/link";
import { PageHeader } from "@/components/page-header";
import { currentPrincipal } from "@/lib/auth/page-guard";
import { aRole } from "@/lib/auth/roles";

/** The 403 page: a signed-in user opened a page their role does not open (requirePage). */
export default async function Forbidden() {
  const principal = await currentPrincipal();
  return (
    <>
      <PageHeader title="Your role does not open this page" />
      <div className="max-w-2xl space-y-3 text-sm">
        {principal ? (
          <p>
            You are signed in as <strong>{principal.name}</strong>, {aRole(principal.role)}.
          </p>
        ) : null}
        <p>Viewers see everything; starting builds and changing bundles and images needs an operator; users, tokens, engines, registries and workspaces need an admin. An admin can give you another role on Settings.</p>
        <p>
          <Link href="/" className="font-semibold text-blue-700 underline dark:text-blue-300">
            Back to the overview
          </Link>
        </p>
      </div>
    </>
  );
}
