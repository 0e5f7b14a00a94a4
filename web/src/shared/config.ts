// Where the site finds the API and the staff sign-in: /config.json, written at deployment (CDK) or served by the
// local cloud, so one build runs anywhere.
export interface SiteConfig {
  /** The API's base URL without a trailing slash ("" when the API is on the site's own origin). */
  api_url: string;
  /** Cognito's endpoint for InitiateAuth, the staff app client and its region. */
  cognito: { url: string; client_id: string; region: string };
}

let loaded: Promise<SiteConfig> | undefined;

export function siteConfig(): Promise<SiteConfig> {
  loaded ??= fetch("/config.json", { cache: "no-store" }).then((answer) => {
    if (!answer.ok) throw new Error(`config.json: HTTP ${answer.status}`);
    return answer.json() as Promise<SiteConfig>;
  });
  return loaded;
}
