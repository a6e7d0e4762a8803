/**
 * The API token for actions, kept for this browser session only (sessionStorage, never
 * localStorage). Asking goes through whatever dialog the app registered, so the API client
 * does not depend on React.
 */
const KEY = "autonome.apiToken";

type Asker = () => Promise<string | null>;
let asker: Asker = async () => window.prompt("API token (AUTONOME_API_TOKEN) for actions:");

export function getToken(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  try {
    if (token) sessionStorage.setItem(KEY, token);
    else sessionStorage.removeItem(KEY);
  } catch {
    // storage disabled: the token is asked again next time
  }
}

export function onTokenRequest(ask: Asker): void {
  asker = ask;
}

/** Asks once for the token; a wrong one is forgotten by the caller's next 401. */
export async function requestToken(): Promise<string | null> {
  setToken(null);
  const token = (await asker())?.trim() || null;
  setToken(token);
  return token;
}
