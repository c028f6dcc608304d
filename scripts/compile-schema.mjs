// Compiles schemas/compose-spec.json into a standalone ESM validator, so the CLI does not build
// the schema at every start-up. Writes the module next to the sources (vitest imports src/
// directly) and into dist/ (tsc has no allowJs, so it would not copy it there).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUTPUTS = ['src/loader/schema-validator.generated.js', 'dist/loader/schema-validator.generated.js'];

export function compileSchema() {
  const schema = JSON.parse(readFileSync(join(root, 'schemas/compose-spec.json'), 'utf8'));
  assertNoAlternatives(schema, '#');
  const ajv = new Ajv({
    code: { source: true, esm: true },
    allErrors: false,
    // The error reporter reads `expected` from the failing node, which only verbose errors carry.
    verbose: true,
    strict: true,
    allowUnionTypes: true,
    // One function per definition instead of a copy at every use: a third of the code size.
    inlineRefs: false,
  });
  ajv.addKeyword({ keyword: 'expected', schemaType: 'string' });
  const code = standaloneCode(ajv, ajv.compile(schema));
  // Ajv's ESM output still calls require() for its runtime helpers (e.g. deep equality):
  // turn each into a static import, so that Node's ESM loader and bundlers both resolve it.
  // Loaders disagree on what a CommonJS module's default import is (its exports object, or its
  // `exports.default` when it is marked __esModule), so the helper is taken from either.
  const deps = [...new Set([...code.matchAll(/require\("([^"]+)"\)\.default/g)].map((m) => m[1]))];
  if (
    /require\(/.test(deps.reduce((text, dep) => text.split(`require(${JSON.stringify(dep)}).default`).join(''), code))
  ) {
    throw new Error('the generated validator requires a module in a form this script does not rewrite');
  }
  const imports = deps.map((dep, i) => `import __dep${i} from ${JSON.stringify(`${dep}.js`)};`).join('\n');
  const body = deps.reduce(
    (text, dep, i) => text.split(`require(${JSON.stringify(dep)}).default`).join(`(__dep${i}.default ?? __dep${i})`),
    code,
  );
  const module = `${imports}\n${body}\n`;
  for (const out of OUTPUTS) {
    mkdirSync(dirname(join(root, out)), { recursive: true });
    writeFileSync(join(root, out), module);
  }
}

// validate.ts reports ajv's single error as it is; oneOf/anyOf would bury it among the errors of
// every failed branch. Alternatives are written as type unions instead.
function assertNoAlternatives(node, at) {
  if (!node || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'oneOf' || key === 'anyOf') {
      throw new Error(`schemas/compose-spec.json: ${at}/${key}: use a type union instead of ${key}`);
    }
    assertNoAlternatives(value, `${at}/${key}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) compileSchema();
