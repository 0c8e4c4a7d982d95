import { pino, type Logger } from "pino";

/** JSON logs, one line per event; secrets that could ride along in error objects are redacted. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "illuminate" },
      redact: {
        paths: ["req.headers.authorization", "req.headers.cookie", "headers.authorization", "*.token", "*.accessToken", "*.refreshToken", "*.privateKey"],
        censor: "[redacted]",
      },
    },
    destination,
  );
}
