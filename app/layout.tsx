import type { Metadata } from "next";
import type { ReactNode } from "react";
import Link from "next/link";
import { EngineBadge } from "@/components/engine-badge";
import { NavLinks } from "@/components/nav-links";
import { currentPrincipal } from "@/lib/auth/page-guard";
import { getHealth } from "@/lib/system/get-health";
import { signOutAction } from "./login/actions";
import { Providers } from "./providers";
import "./globals.css";

export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: { default: "kobuild", template: "%s · kobuild" },
  description: "Dockerized kernel driver builds",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const [health, principal] = await Promise.all([getHealth(), currentPrincipal()]);
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
        <Providers>
          <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:p-2">
            Skip to content
          </a>
          <header className="flex items-center justify-between border-b border-slate-200 bg-white px-4 py-3 dark:border-slate-800 dark:bg-slate-900">
            <Link href="/" className="text-lg font-bold tracking-tight">
              kobuild
            </Link>
            <div className="flex items-center gap-4">
              <EngineBadge initial={health} />
              {principal ? (
                <form action={signOutAction} className="flex items-center gap-2 text-sm">
                  <span data-testid="signed-in-as">
                    {principal.name} <span className="text-slate-600 dark:text-slate-400">({principal.role})</span>
                  </span>
                  <button type="submit" className="rounded border border-slate-300 px-2 py-0.5 dark:border-slate-700">
                    Sign out
                  </button>
                </form>
              ) : null}
            </div>
          </header>
          <div className="md:flex">
            <nav aria-label="Main" className="border-b border-slate-200 p-3 md:min-h-[calc(100vh-57px)] md:w-48 md:border-b-0 md:border-r dark:border-slate-800">
              <NavLinks />
            </nav>
            <main id="main" className="min-w-0 flex-1 p-6">
              {children}
            </main>
          </div>
        </Providers>
      </body>
    </html>
  );
}
