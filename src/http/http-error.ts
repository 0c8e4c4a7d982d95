/** An error that knows its HTTP status and a stable machine-readable code. */
export class HttpError extends Error {
  override name = "HttpError";
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const badRequest = (message: string, code = "bad_request") => new HttpError(400, code, message);
export const notFound = (message = "Not found", code = "not_found") => new HttpError(404, code, message);
