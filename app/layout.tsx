import type { Metadata } from "next";
import type { ReactNode } from "react";
import Link from "next/link";
import { EngineBadge } from "@/components/engine-badge";
import { NavLinks } from "@/components/nav-links";
import { getHealth } from "@/lib/system/get-health";
import { Providers } from "./providers";
import "./globals.css";

export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: { default: "kobuild", template: "%s · kobuild" },
  description: "Dockerized kernel driver builds",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const health = await getHealth();
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
            <EngineBadge initial={health} />
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
