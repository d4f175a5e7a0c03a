import { listAudit } from "@/lib/auth/audit";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({ role: "admin" }, () => Response.json({ entries: listAudit() }));
