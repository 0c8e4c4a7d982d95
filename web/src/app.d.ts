import type { IncomingMessage } from "node:http";

declare global {
  namespace App {
    interface Platform {
      /**
       * adapter-node hands over the Node request: its socket tells us where our own server listens,
       * and the Express app in front of us adds a request id and a pino child logger.
       */
      req?: IncomingMessage & {
        id?: string;
        log?: { error(fields: Record<string, unknown>, message: string): void };
      };
    }
  }
}

export {};
