import { describe, expect, it } from "vitest";
import { findManifests } from "../../src/users/skills/find-manifests.js";
import { ManifestParseError } from "../../src/users/skills/manifests/manifest-types.js";
import { manifestParser } from "../../src/users/skills/manifests/parse-manifest.js";
import { createSkillCatalog } from "../../src/users/skills/skill-catalog.js";

const parse = (path: string, text: string) => manifestParser(path)!(text, path);
const names = (path: string, text: string) => parse(path, text).dependencies.map((d) => `${d.name}${d.dev ? " (dev)" : ""}`);

describe("manifest parsers", () => {
  it("pyproject.toml: PEP 621 dependencies, extras, dependency groups and Poetry tables", () => {
    const text = `[project]
dependencies = ["FastAPI[standard]>=0.110", "SQLAlchemy>=2"]
[project.optional-dependencies]
test = ["pytest>=8"]
[dependency-groups]
lint = ["ruff"]
[tool.poetry.dependencies]
python = "^3.12"
numpy = "^2.0"
[tool.poetry.group.docs.dependencies]
mkdocs = "*"
`;
    expect(names("pyproject.toml", text)).toEqual(["FastAPI", "SQLAlchemy", "pytest (dev)", "ruff (dev)", "numpy", "mkdocs (dev)"]);
  });

  it("requirements files: pins, extras, comments, options, editable installs with #egg", () => {
    const text = "# comment\nDjango==5.1 # pinned\ncelery[redis]>=5\n-r base.txt\n--hash=sha256:abc\n-e git+https://github.com/x/y.git#egg=my_pkg\nhttps://example.com/a.whl\n";
    expect(names("requirements/prod.txt", text)).toEqual(["Django", "celery", "my_pkg"]);
    expect(names("requirements-test.txt", "pytest\n")).toEqual(["pytest (dev)"]);
  });

  it("setup.cfg and setup.py: install_requires and extras", () => {
    const cfg = "[metadata]\nname = x\n[options]\ninstall_requires =\n    flask>=3\n    click\n[options.extras_require]\ntest =\n    pytest\n";
    expect(names("setup.cfg", cfg)).toEqual(["flask", "click", "pytest (dev)"]);
    const py = "setup(name='x', install_requires=['numpy>=1', \"pandas\"], extras_require={'dev': ['black']})";
    expect(names("setup.py", py)).toEqual(["numpy", "pandas", "black (dev)"]);
  });

  it("go.mod, Cargo.toml (renamed and target-specific crates), Gemfile groups, gemspec, mix.exs, pubspec.yaml, composer.json", () => {
    expect(names("go.mod", "module x\n\ngo 1.22\n\nrequire github.com/gin-gonic/gin v1.10.0\nrequire (\n\tgolang.org/x/sys v0.1.0 // indirect\n)\n").sort()).toEqual([
      "github.com/gin-gonic/gin",
      "golang.org/x/sys (dev)",
    ]);
    expect(names("Cargo.toml", '[dependencies]\ntokio = { version = "1", features = ["full"] }\nhttp = { package = "reqwest", version = "0.12" }\n[target.\'cfg(unix)\'.dev-dependencies]\nnix = "0.29"\n')).toEqual([
      "tokio",
      "reqwest",
      "nix (dev)",
    ]);
    expect(names("Gemfile", 'source "https://rubygems.org"\ngem "rails", "~> 7.2"\ngroup :test do\n  gem "capybara"\nend\ngem "puma"\n')).toEqual(["rails", "capybara (dev)", "puma"]);
    expect(names("x.gemspec", 's.add_runtime_dependency("sinatra", "~> 4")\ns.add_development_dependency "rspec"')).toEqual(["sinatra", "rspec (dev)"]);
    expect(names("mix.exs", 'defp deps do\n  [\n    {:phoenix, "~> 1.7"},\n    {:credo, "~> 1.7", only: [:dev, :test]}\n  ]\nend')).toEqual(["phoenix", "credo (dev)"]);
    expect(names("app/pubspec.yaml", "name: app\ndependencies:\n  flutter:\n    sdk: flutter\n  flutter_bloc: ^8.1.0\ndev_dependencies:\n  flutter_test:\n    sdk: flutter\n")).toEqual([
      "flutter",
      "flutter_bloc",
      "flutter (dev)",
    ]);
    expect(names("composer.json", '{"require":{"php":">=8.2","ext-json":"*","laravel/framework":"^11"},"require-dev":{"phpunit/phpunit":"^11"}}')).toEqual([
      "laravel/framework",
      "phpunit/phpunit (dev)",
    ]);
  });

  it("Gradle (Groovy and Kotlin DSL) coordinates and plugin ids, and .csproj package references and SDK", () => {
    const gradle = `plugins {\n  id("org.springframework.boot") version "3.3.4"\n}\ndependencies {\n  implementation("org.springframework.boot:spring-boot-starter-web")\n  testImplementation 'org.junit.jupiter:junit-jupiter:5.11.0'\n}`;
    const parsed = parse("build.gradle.kts", gradle);
    expect(parsed.dependencies).toEqual([
      { name: "org.springframework.boot:spring-boot-starter-web", dev: false },
      { name: "org.junit.jupiter:junit-jupiter", dev: true },
      { name: "org.springframework.boot", dev: false, ecosystem: "gradle-plugin" },
    ]);
    const csproj = `<Project Sdk="Microsoft.NET.Sdk.Web"><ItemGroup><PackageReference Include="Microsoft.EntityFrameworkCore" Version="8.0.0" /></ItemGroup></Project>`;
    expect(names("src/Api/Api.csproj", csproj)).toEqual(["sdk:Microsoft.NET.Sdk.Web", "Microsoft.EntityFrameworkCore"]);
  });

  it("refuses invalid JSON, TOML, XML and YAML with a reason instead of crashing", () => {
    const cases: Array<[string, string, RegExp]> = [
      ["package.json", "{ nope", /not valid JSON/],
      ["package.json", "[1, 2]", /not a JSON object/],
      ["Cargo.toml", "[dependencies\nx=", /not valid TOML/],
      ["pyproject.toml", 'name = "a"\nname = "b"', /not valid TOML/],
      ["pom.xml", "<project><dependencies></project>", /not valid XML/],
      ["pom.xml", "<notaproject/>", /no <project>/],
      ["x.csproj", "<Project><ItemGroup></Project>", /not valid XML/],
      ["pubspec.yaml", "dependencies: [unclosed", /not valid YAML/],
      ["go.mod", "require x v1", /no module directive/],
    ];
    for (const [path, text, reason] of cases) {
      expect(() => parse(path, text), path).toThrow(ManifestParseError);
      expect(() => parse(path, text), path).toThrow(reason);
    }
  });

  it("does not expand XML entities (no billion laughs)", () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><project><artifactId>&lol2;</artifactId></project>`;
    expect(() => parse("pom.xml", bomb)).not.toThrow(/heap/);
  });
});

describe("finding manifests in a repository tree", () => {
  it("keeps shallow manifests first, skips vendored and fixture directories, and caps the count", () => {
    const tree = ["a/b/c/d/package.json", "package.json", "node_modules/x/package.json", "vendor/y/go.mod", "test/fixtures/z/pom.xml", "apps/web/package.json", "README.md"].map((path) => ({ path }));
    expect(findManifests(tree, 10).map((e) => e.path)).toEqual(["package.json", "apps/web/package.json"]);
    expect(findManifests(tree, 1).map((e) => e.path)).toEqual(["package.json"]);
  });
});

describe("the package → framework catalog (one data file)", () => {
  const catalog = createSkillCatalog();

  it("maps packages per ecosystem, with prefixes and registry-style normalisation", () => {
    expect(catalog.frameworksForPackage("npm", "@sveltejs/kit")).toEqual(["sveltekit"]);
    expect(catalog.frameworksForPackage("pypi", "djangorestframework")).toEqual(["django-rest-framework"]);
    expect(catalog.frameworksForPackage("pypi", "Scikit_Learn")).toEqual(["scikit-learn"]);
    expect(catalog.frameworksForPackage("go", "github.com/labstack/echo/v4")).toEqual(["echo"]);
    expect(catalog.frameworksForPackage("maven", "org.springframework.boot:spring-boot-starter-data-jpa").sort()).toEqual(["hibernate", "spring-boot"]);
    expect(catalog.frameworksForPackage("nuget", "Microsoft.AspNetCore.Mvc")).toEqual(["aspnet-core"]);
    expect(catalog.frameworksForPackage("npm", "left-pad")).toEqual([]);
    expect(catalog.frameworksForFile(".github/workflows/ci.yml")).toEqual(["github-actions"]);
    expect(catalog.frameworksForFile("infra/main.tf")).toEqual(["terraform"]);
    expect(catalog.frameworksForFile("services/api/Dockerfile")).toEqual(["docker"]);
  });

  it("rejects a catalog entry with an unknown field or ecosystem, so a typo in the data file fails loudly", () => {
    expect(() => createSkillCatalog({ about: "", frameworks: { x: { name: "X", category: "tool", domains: [], packages: { npmm: ["x"] } } }, domains: {}, languages: { ignored: [] } })).toThrow();
    expect(() => createSkillCatalog({ about: "", frameworks: { x: { name: "X", category: "tool", domains: [], packages: {}, colour: 1 } }, domains: {}, languages: { ignored: [] } })).toThrow();
  });
});
