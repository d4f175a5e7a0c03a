import { z } from "zod";
import { ROLES } from "./roles";

const userName = z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9._@-]*$/, "may hold letters, digits and . _ @ -, starting with a letter or digit");
const password = z.string().min(12, "must be at least 12 characters").max(1024);

export const createUserBodySchema = z.object({ name: userName, role: z.enum(ROLES), password: password.optional() }).strict();
export const createTokenBodySchema = z.object({ name: z.string().trim().min(1).max(64), user: userName.optional() }).strict();
export const signInSchema = z.object({ name: userName, password: z.string().min(1).max(1024) });
export const firstAdminSchema = z.object({ token: z.string().min(1).max(200), name: userName, password });
export const changePasswordSchema = z.object({ current: z.string().min(1).max(1024), next: password });
export const idParamsSchema = z.object({ id: z.string().regex(/^\d{1,12}$/, "must be an id").transform(Number) });
