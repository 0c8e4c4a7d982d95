import { parseJsonObject, tableKeys, type Dependency, type ParsedManifest } from "./manifest-types.js";

/**
 * package.json: runtime and peer dependencies, and development ones. In a private package (an
 * app, not a library) the bundler ships devDependencies too — SvelteKit and Vite live there — so
 * they count as the stack, not as tooling.
 */
export function parsePackageJson(text: string): ParsedManifest {
  const manifest = parseJsonObject(text, "package.json");
  const devOnly = manifest.private !== true;
  const dependencies: Dependency[] = [
    ...tableKeys(manifest.dependencies).map((name) => ({ name, dev: false })),
    ...tableKeys(manifest.peerDependencies).map((name) => ({ name, dev: false })),
    ...tableKeys(manifest.optionalDependencies).map((name) => ({ name, dev: false })),
    ...tableKeys(manifest.devDependencies).map((name) => ({ name, dev: devOnly })),
  ];
  return { ecosystem: "npm", dependencies };
}

/** composer.json: require and require-dev, without the PHP platform and its extensions. */
export function parseComposerJson(text: string): ParsedManifest {
  const manifest = parseJsonObject(text, "composer.json");
  const isPackage = (name: string) => name.includes("/");
  return {
    ecosystem: "composer",
    dependencies: [
      ...tableKeys(manifest.require).filter(isPackage).map((name) => ({ name, dev: false })),
      ...tableKeys(manifest["require-dev"]).filter(isPackage).map((name) => ({ name, dev: true })),
    ],
  };
}
