import "server-only";

/** A CSV answer a browser saves as `name` (a name made by kobuild, never by the caller). */
export function csvResponse(text: string, name: string): Response {
  return new Response(text, { headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${name}"` } });
}
