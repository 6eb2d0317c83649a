/* Talks to Tend's API: JSON in and out, the CSRF token on every change, and one error
   type whose message is fit to show a person. */

let csrfToken = "";

/** Remember the token the server gave with the session (memory only). */
export function setCsrfToken(token) {
  csrfToken = token || "";
}

/** An answer from the API that was not a success, in the API's one error shape. */
export class ApiError extends Error {
  constructor(status, body, headers) {
    super(body?.message || "Something went wrong. Please try again.");
    this.name = "ApiError";
    this.status = status;
    this.code = body?.code || "error";
    this.details = body?.details || [];
    const retry = Number(headers?.get("retry-after"));
    this.retryAfter = Number.isFinite(retry) && retry > 0 ? retry : null;
  }
}

/** No answer at all: offline, or the server could not be reached. */
export class OfflineError extends Error {
  constructor() {
    super("Tend can't reach the server just now. Check your connection and try again.");
    this.name = "OfflineError";
  }
}

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Call the API.
 * @param {string} method
 * @param {string} path e.g. "/api/session"
 * @param {unknown} [body] sent as JSON
 * @returns {Promise<any>} the decoded JSON body (null for 204)
 */
export async function api(method, path, body) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (UNSAFE.has(method) && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch (error) {
    throw new OfflineError();
  }
  if (response.status === 204) return null;
  let payload = null;
  try {
    payload = await response.json();
  } catch (error) {
    payload = null;
  }
  if (!response.ok) {
    const error = new ApiError(response.status, payload, response.headers);
    // The account is gone (deleted here, on another device, or by an admin): whoever
    // listens (session.js) clears this device at once, whichever call found out.
    if (error.status === 401 && error.code === "account_deleted") {
      dispatchEvent(new CustomEvent("tend:account-ended", { detail: error.code }));
    }
    throw error;
  }
  return payload;
}

export const get = (path) => api("GET", path);
export const post = (path, body) => api("POST", path, body ?? {});
export const put = (path, body) => api("PUT", path, body ?? {});
export const patch = (path, body) => api("PATCH", path, body ?? {});
export const del = (path) => api("DELETE", path);
