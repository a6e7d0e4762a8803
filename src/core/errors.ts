/**
 * A domain error carries the API's snake_case code and the HTTP status it maps to; the one
 * error handler in the server turns it into {"error":{"code","message"}}.
 */
export class AppError extends Error {
  override readonly name = "AppError";
  constructor(
    readonly status: 400 | 401 | 404 | 409 | 422 | 500 | 503,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const invalid = (message: string) => new AppError(400, "invalid_request", message);
export const notFound = (message: string) => new AppError(404, "not_found", message);
export const rejected = (code: string, message: string) => new AppError(422, code, message);
export const conflict = (code: string, message: string) => new AppError(409, code, message);
