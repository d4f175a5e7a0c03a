/** "Sign in with <provider>": a plain link to the route that sends the browser to the provider, above the password form. */
export function SingleSignOnButton({ name, href }: { name: string; href: string }) {
  return (
    <div className="mb-5">
      <a
        href={href}
        className="block w-full rounded-md bg-blue-700 px-4 py-2 text-center font-semibold text-white hover:bg-blue-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-700 dark:bg-blue-600 dark:hover:bg-blue-500"
      >
        {`Sign in with ${name}`}
      </a>
      <p className="mt-5 flex items-center gap-3 text-xs text-slate-600 dark:text-slate-400" aria-hidden="true">
        <span className="h-px flex-1 bg-slate-300 dark:bg-slate-700" />
        or with a kobuild password
        <span className="h-px flex-1 bg-slate-300 dark:bg-slate-700" />
      </p>
    </div>
  );
}
