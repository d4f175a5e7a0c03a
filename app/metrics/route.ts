import { authorizeScrape, scrapeMetrics } from "@/lib/dashboard/metrics-scrape";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

// Prometheus' scrape: the scraper's token when KOBUILD_METRICS_TOKEN is set, else a viewer (lib/dashboard/metrics-scrape.ts).
export const GET = route({ role: "public" }, async ({ request }) => {
  authorizeScrape(request.headers);
  const { contentType, text } = await scrapeMetrics();
  return new Response(text, { headers: { "Content-Type": contentType, "Cache-Control": "no-store" } });
});
