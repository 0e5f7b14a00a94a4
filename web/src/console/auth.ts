// Staff sign-in against the Cognito user pool (USER_PASSWORD_AUTH over HTTPS; in the local cloud, the same call to
// the pool moto runs). The ID token is kept for the tab only (sessionStorage) and sent as the API's bearer token.
import { computed, ref } from "vue";
import { siteConfig } from "../shared/config";

export type Role = "agent" | "dispatcher" | "unit" | "supervisor" | "admin" | "knowledge";

export interface Staff {
  username: string;
  roles: Role[];
  unitId: string | null;
  expiresAt: number;
}

const KEY = "hotline.console.token";
const token = ref<string | null>(sessionStorage.getItem(KEY));

function claimsOf(jwt: string): Record<string, unknown> {
  const payload = jwt.split(".")[1] ?? "";
  const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)))) as Record<string, unknown>;
}

/** Who is signed in (null when nobody is, or the token has run out). */
export const staff = computed<Staff | null>(() => {
  if (!token.value) return null;
  const claims = claimsOf(token.value);
  const expiresAt = Number(claims.exp) * 1000;
  if (expiresAt <= Date.now()) return null;
  const groups = claims["cognito:groups"];
  return {
    username: String(claims["cognito:username"] ?? claims.email ?? ""),
    roles: (Array.isArray(groups) ? groups : []) as Role[],
    unitId: (claims["custom:unit_id"] as string | undefined) ?? null,
    expiresAt,
  };
});

export function bearer(): string {
  if (!token.value || !staff.value) throw new Error("signed out");
  return token.value;
}

export function hasRole(...roles: Role[]): boolean {
  return roles.some((role) => staff.value?.roles.includes(role));
}

export class SignInError extends Error {
  /** Cognito's error type (NotAuthorizedException, UserNotConfirmedException …) or the challenge it asks for. */
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

export async function signIn(username: string, password: string): Promise<void> {
  const { cognito } = await siteConfig();
  const answer = await fetch(cognito.url, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-amz-json-1.1",
      "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth",
    },
    body: JSON.stringify({
      AuthFlow: "USER_PASSWORD_AUTH",
      ClientId: cognito.client_id,
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  });
  const body = (await answer.json().catch(() => ({}))) as {
    AuthenticationResult?: { IdToken?: string };
    message?: string;
    __type?: string;
    ChallengeName?: string;
  };
  const idToken = body.AuthenticationResult?.IdToken;
  if (!answer.ok || !idToken) {
    const code = body.__type?.split("#").pop() ?? body.ChallengeName ?? `HTTP ${answer.status}`;
    throw new SignInError(body.message ?? code, code);
  }
  sessionStorage.setItem(KEY, idToken);
  token.value = idToken;
}

export function signOut(): void {
  sessionStorage.removeItem(KEY);
  token.value = null;
}
