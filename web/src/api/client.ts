import { takeEarly } from "./early.ts";
import { getToken, requestToken } from "./token.ts";

/** An error answer of the API (`{"error":{"code","message"}}`), or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  /**
   * The messages of a 400 by field: the server names each bad field as `field: problem`
   * (joined with "; "), so a form can show each next to its input. Unnamed problems go under "".
   */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    if (this.status !== 400) return out;
    for (const part of this.message.split(/;\s+/)) {
      const m = /^([\w.[\]]+):\s*(.*)$/.exec(part);
      const field = m ? m[1]!.split(/[.[]/)[0]! : "";
      const text = m ? m[2]! : part;
      out[field] = out[field] ? `${out[field]}; ${text}` : text;
    }
    return out;
  }
}

async function parse<T>(res: Response): Promise<T> {
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: a proxy's page or a crash; reported below with the status
  }
  if (!res.ok) {
    const err = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    if (res.status === 401)
      throw new ApiError(401, err?.code ?? "unauthorized", "The server needs the API token for this action (AUTONOME_API_TOKEN). Enter it when asked; it is kept for this browser session only.");
    throw new ApiError(res.status, err?.code ?? `http_${res.status}`, err?.message ?? `${res.status} ${res.statusText}`);
  }
  return body as T;
}

async function request(path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, "network", `The server did not answer (${e instanceof Error ? e.message : String(e)}).`);
  }
}

/** GET /api/…: reading never needs the token. */
export async function get<T>(path: string, signal?: AbortSignal): Promise<T> {
  const early = await takeEarly(path);
  if (early) return parse<T>(early);
  return parse<T>(await request(`/api${path}`, { headers: { accept: "application/json" }, ...(signal ? { signal } : {}) }));
}

/**
 * A write (POST/PATCH/DELETE). With a token kept for this session it is sent; on a 401 the
 * user is asked for the token once and the request is sent again with it.
 */
export async function send<T>(method: "POST" | "PATCH" | "DELETE", path: string, body?: unknown): Promise<T> {
  const attempt = (token: string | null) =>
    request(`/api${path}`, {
      method,
      headers: { accept: "application/json", ...(body !== undefined ? { "content-type": "application/json" } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  let res = await attempt(getToken());
  if (res.status === 401) {
    const token = await requestToken();
    if (token) res = await attempt(token);
  }
  return parse<T>(res);
}
