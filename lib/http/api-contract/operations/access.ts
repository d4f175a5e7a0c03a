import { createTokenBodySchema, createUserBodySchema, idParamsSchema, signInSchema } from "@/lib/auth/auth-schemas";
import * as answers from "../answer-schemas";
import type { OperationGroup } from "../operation";

export const accessOperations: OperationGroup = {
  tag: "Access",
  description: "Signing in, users, API tokens and the audit log.",
  operations: [
    {
      method: "POST",
      path: "/api/session",
      summary: "Sign in with a name and password",
      description: "Answers with the session cookie, as the sign-in page does. Repeated failures from one address are throttled (429 with Retry-After).",
      role: "public",
      body: signInSchema,
      answers: [{ status: 200, description: "Signed in: the `Set-Cookie` header carries the session.", schema: answers.signedInSchema }],
      errors: ["unauthorized", "too_many_requests"],
    },
    { method: "GET", path: "/api/users", summary: "List the users", role: "admin", answers: [{ status: 200, description: "The users, by name.", schema: answers.usersAnswerSchema }] },
    {
      method: "POST",
      path: "/api/users",
      summary: "Add a user",
      description: "Without a password the user signs in with API tokens only.",
      role: "admin",
      body: createUserBodySchema,
      answers: [{ status: 201, description: "The user.", schema: answers.createdUserSchema }],
      errors: ["conflict"],
    },
    {
      method: "DELETE",
      path: "/api/users/{id}",
      summary: "Disable a user",
      description: "Their sessions and tokens stop working at once. Nobody disables themselves (409).",
      role: "admin",
      params: idParamsSchema,
      answers: [{ status: 200, description: "The user, disabled.", schema: answers.disabledUserSchema }],
      errors: ["conflict"],
    },
    { method: "GET", path: "/api/tokens", summary: "List the API tokens", description: "Never the tokens themselves.", role: "admin", answers: [{ status: 200, description: "The tokens, newest first.", schema: answers.apiTokensAnswerSchema }] },
    {
      method: "POST",
      path: "/api/tokens",
      summary: "Make an API token",
      description: "For the admin asking, or for the named user. The token is in this answer only.",
      role: "admin",
      body: createTokenBodySchema,
      answers: [{ status: 201, description: "The token.", schema: answers.createdApiTokenSchema }],
    },
    { method: "DELETE", path: "/api/tokens/{id}", summary: "Revoke an API token", role: "admin", params: idParamsSchema, answers: [{ status: 200, description: "The token, revoked.", schema: answers.revokedApiTokenSchema }] },
    { method: "GET", path: "/api/audit", summary: "The latest changes", description: "Who did what, on what, with which answer: the latest 200.", role: "admin", answers: [{ status: 200, description: "The entries, newest first.", schema: answers.auditAnswerSchema }] },
  ],
};
