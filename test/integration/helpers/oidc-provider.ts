import { generateKeyPairSync, randomBytes } from "node:crypto";
import http from "node:http";
import Provider from "oidc-provider";

// A real OpenID Connect provider on 127.0.0.1 (oidc-provider) for kobuild's
// single sign-on tests: one confidential client, PKCE required, and its
// built-in login and consent pages, where any password signs in the account
// named in the login field. An account's groups are read at each sign-in, so a
// test may change them between two.

export type ProviderAccount = { groups: string[]; name?: string; email?: string };

export const oidcClient = { id: "kobuild-test", secret: `test-secret-${randomBytes(12).toString("hex")}` } as const;

export type TestProvider = { issuer: string; accounts: Map<string, ProviderAccount>; close: () => Promise<void> };

export async function startOidcProvider({ port, redirectUris, accounts }: { port: number; redirectUris: string[]; accounts: Record<string, ProviderAccount> }): Promise<TestProvider> {
  const issuer = `http://127.0.0.1:${port}`;
  const known = new Map(Object.entries(accounts));
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: oidcClient.id,
        client_secret: oidcClient.secret,
        redirect_uris: redirectUris,
        response_types: ["code"],
        grant_types: ["authorization_code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    jwks: { keys: [{ ...privateKey.export({ format: "jwk" }), kid: "kobuild-test", use: "sig", alg: "RS256" }] },
    cookies: { keys: [randomBytes(32).toString("hex")] },
    // groups with the openid scope, so every sign-in gets them (from the userinfo endpoint).
    claims: { openid: ["sub", "groups"], profile: ["name", "preferred_username"], email: ["email"] },
    features: { devInteractions: { enabled: true } },
    pkce: { required: () => true },
    findAccount: async (_ctx, id) => ({
      accountId: id,
      claims: async () => {
        const account = known.get(id) ?? { groups: [] };
        return { sub: id, preferred_username: id, name: account.name ?? id, email: account.email ?? `${id}@example.test`, groups: account.groups };
      },
    }),
  });
  const server = http.createServer(provider.callback());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return {
    issuer,
    accounts: known,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
