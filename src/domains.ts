import type { Domain, DomainContext } from "./domain.js";

/**
 * Every domain of the product, in dependency order. A domain that needs another receives that
 * domain's service functions here, never its tables.
 */
export async function createDomains(_context: DomainContext): Promise<Domain[]> {
  return [];
}
