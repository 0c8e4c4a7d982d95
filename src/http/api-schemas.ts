import { z } from "zod";

// Building blocks for response schemas. Responses are described as they travel (dates are ISO
// strings) and objects are open (`z.looseObject`): a field added to a response is not a breaking
// change, so a schema lists what clients may rely on and allows more.

export const timestamp = z.string().describe("ISO 8601 timestamp");
export const offsetPage = z.looseObject({ limit: z.number().int(), offset: z.number().int(), total: z.number().int() });
/** A response body that is an object whose fields are documented by the summary only. */
export const jsonObject = z.looseObject({});
