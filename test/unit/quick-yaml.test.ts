// The quick reader takes the plain block YAML most compose files are written in and gives the
// rest to the yaml library. What it takes it must read exactly as the library does, values and
// node positions both (error locations come from them); the fuzz test in loader-fuzz.test.ts
// checks the same on generated files.
import assert from 'node:assert';
import { describe, expect, it } from 'vitest';
import { parseWithLibrary } from '../../src/loader/parse-library.js';
import { quickParse } from '../../src/loader/quick-yaml.js';

const TAKEN: [string, string][] = [
  [
    'a service in the style of the benchmark, flow collections included',
    'services:\n  svc0:\n    image: busybox\n    command: ["sleep", "3600"]\n    environment: {INDEX: "0", NAME: "${NAME:-svc}"}\n    ports: ["127.0.0.1:20000:80"]\n    healthcheck: {test: ["CMD", "true"], interval: 30s}\n    depends_on:\n      db: {condition: service_started}\n',
  ],
  ['comments and blank lines anywhere', '# top\nservices:   # trailing\n\n  web:\n      # deeper comment\n    image: nginx # why\n  # shallower comment\n    ports:\n    # between items\n      - "80:80"\n'],
  ['lists at the same indentation as their key', 'services:\n  web:\n    ports:\n    - 80:80\n    - target: 443\n      published: "8443"\n    command:\n    - run\n'],
  ['compact nested lists and mappings in lists', 'x-a:\n  - - one\n    - two\n  - - - deep\n  - k: v\n    l:\n      - m\n  -\n  -   # empty item\n  - last\n'],
  ['empty values', 'a:\nb:   \nc:  # note\nd: ~\ne: null\nf: {}\ng: []\nh: [ ]\n'],
  ['quoted keys and values', '"quoted key": 1\n\'single\': \'it\'\'s\'\n"": empty key\nv: "a # not a comment"\nw: \'\'\n'],
  ['scalars under the core schema', 'i: 42\nn: -7\np: +3\no: 0o17\nx: 0x1F\nf: 1.5\ne: 1e3\ng: .5\ninf: -.inf\nnan: .NaN\nt: True\nF: FALSE\ns: 1.2.3\nv: 010\ny: yes\n'],
  ['keys that are numbers, booleans or null', '1: a\n0x10: b\ntrue: c\nnull: d\n1.50: e\n'],
  ['plain scalars holding indicators inside', 'url: http://example.com:8080/x?y=1\nhash: a#b\nbr: a[0]{1}\ndash: -flag\ncolon: ":80"\nspaced: two  words  \n'],
  ['odd keys stay own keys', '__proto__: {polluted: true}\nconstructor: 1\ntoString: [1]\n'],
  ['colons inside flow scalars', 'ports: [8080:80, 127.0.0.1:53:53/udp]\nweb: {image: nginx:1.25, extra_hosts: [h:1.2.3.4, "h2=::1"]}\n'],
  ['flow collections nested and spaced', 'a: [ 1 , [2, [3]] , {k: [v]} ]\nb: { x: 1, "y": \'z\', n: null }\n'],
  [
    'flow collections over several lines, with comments',
    'command: [\n  "sh", "-c",  # the shell\n\n  "run"\n]\nhealthcheck:\n  test: [\n      CMD, curl,\n      {k: [1,\n        2]}\n    ]\n  retries: 3\nlist:\n  - {a: 1,\n     b: 2}\n',
  ],
  ['flow collections on the line below their key or dash', 'services:\n  {\n    web: {image: nginx},\n    db: { image: postgres }\n  }\nlist:\n  -\n    [a, b]\n'],
  [
    'escapes, a document marker, trailing commas and anchors on their own line',
    '--- # the one document\nx-env:\n  &env\n  # shared\n  A: "tab\\there \\"quoted\\" \\\\ \\u00e9\\x41\\U0001F600\\/\\ "\n  B: \'back\\slash\'\ncommand: ["sh", "-c", "run",]\nweb: {environment: *env, }\n',
  ],
  ['quoted scalars over several lines', 'a: "one\n  two\n\n  three  \n   four"\nb: \'it\'\'s\n  folded\'\nc: ["x\n    y"]\n'],
  ['plain scalars over several lines', 'a: one\n  two\n\n   three  # c\nb: sh -c "\n    run\n    "\nc:\n  - x\n    y\n'],
  ['a file without a final newline', 'services:\n  web:\n    image: nginx'],
  [
    'anchors, aliases and merge keys in the style of x- extensions',
    'x-common: &common\n  restart: always\n  labels: &labels {tier: web}\nservices:\n  a:\n    <<: *common\n    image: a\n    restart: "no"\n  b:\n    <<: [*common, {image: b}]\n    labels: *labels\n  c:\n    <<:\n      - *common\n      - image: c\n    command: &cmd [run]\n    entrypoint: *cmd\n',
  ],
  ['an anchor redefined, and one inside another', 'x: &a\n  y: &a {k: 1}\n  z: *a\nw: *a\nv: &e\nu: *e\n'],
  ['a quoted "<<", which is an ordinary key', '"<<": 1\n'],
  [
    'literal and folded block scalars',
    'a: |\n  line one\n    indented # not a comment\n\n  after a blank\nb: |-\n  stripped\nc: >\n  folded\n  text\n\n\n  para\nd: >-  # header comment\n\n  leading blank\ne: |\nf:\n  - |\n    in a list\n  - >-\n    x\n    y\ng: &s |\n  anchored\nh: *s\n',
  ],
  ['a block scalar at the end of the file', 'services:\n  web:\n    command: >-\n      sh -c\n      "run"'],
  ['a deeper indentation step', 'services:\n    web:\n        image: nginx\n        ports:\n            - "80"\n'],
];

const GIVEN_UP: [string, string][] = [
  ['an alias before its anchor', 'y: *a\nx: &a {k: v}\n'],
  ['an alias inside its own anchor', 'x: &a [1, *a]\n'],
  ['an anchor on a key', '&k x: 1\n'],
  ['an anchor on an alias', 'x: &a {k: v}\ny: &b *a\n'],
  ['a merge of something other than mappings', 'x: &a [1]\ny:\n  <<: *a\n'],
  ['a merge key in a flow mapping', 'x: &a {k: v}\ny: {<<: *a}\n'],
  ['aliases that expand far beyond what is written', 'a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n'],
  ['tags', 'ports: !reset []\n'],
  ['a block scalar keeping its final line breaks', 'command: |+\n  run\n\n'],
  ['a block scalar with an indentation indicator', 'command: |2\n   run\n'],
  ['a folded block scalar with a more-indented line', 'command: >\n  run\n    deeper\n'],
  ['spaces in an empty line of a block scalar', 'command: |\n  run\n     \n  more\n'],
  ['a plain scalar continued by a line that starts with an indicator', 'a: one\n  - two\n'],
  ['a flow collection line not indented past its block', 's:\n  a: [1,\n  2]\n'],
  ['a plain scalar over several lines of a flow collection', 'a: [one\n  two]\n'],
  ['an unclosed flow collection', 'a: [1,\n  2\n'],
  ['an unknown escape in double quotes', 'a: "\\q"\n'],
  ['an escaped line break in double quotes', 'a: "one\\\n  two"\n'],
  ['an escape of a lone surrogate', 'a: "\\ud800"\n'],
  ['a quoted scalar continued at its block\'s indentation', 's:\n  a: "one\n  two"\n'],
  ['a quoted key over several lines', '"a\n b": 1\n'],
  ['tabs', 'a:\tb\n'],
  ['carriage returns', 'a: b\r\nc: d\r\n'],
  ['a byte-order mark', '\uFEFFa: b\n'],
  ['a document marker with content on its line', '--- a: b\n'],
  ['a document end marker', 'a: b\n...\n'],
  ['a directive', '%YAML 1.2\n---\na: b\n'],
  ['an empty entry in a flow collection', 'a: [1, , 2]\n'],
  ['a key without a value in a flow mapping', 'a: {k}\n'],
  ['a pair inside a flow list', 'a: [k: v]\n'],
  ['a flow key without a space after its colon', 'a: {k:}\n'],
  ['a duplicate key', 'a: 1\na: 2\n'],
  ['a complex key', '? a\n: b\n'],
  ['a space before a colon', 'a : b\n'],
  ['a mapping inside a plain value', 'a: b: c\n'],
  ['a list item after a scalar value', 'a: 1\n- b\n'],
  ['an indentation that matches no level', 'a:\n    b: 1\n  c: 2\n'],
  ['a top-level list', '- a\n'],
  ['a top-level scalar', 'just text\n'],
  ['an indented first line', '  a: b\n'],
  ['an empty file', ''],
  ['only comments', '# nothing\n'],
  ['an indicator starting a value', 'a: @b\n'],
  ['a comment right after a quote', 'a: "b"# c\n'],
];

describe('the quick reader', () => {
  it.each(TAKEN)('takes %s, read as the library reads it', (_name, text) => {
    const quick = quickParse(text);
    expect(quick).toBeDefined();
    const library = parseWithLibrary(text, '/p/compose.yaml');
    // node:assert: a key called constructor trips vitest's own equality.
    assert.deepStrictEqual(quick!.data, library.data);
    assert.deepStrictEqual(quick!.byPath, (library.positions as unknown as { byPath: Map<string, number> }).byPath);
  });

  it.each(GIVEN_UP)('gives %s to the library', (_name, text) => {
    expect(quickParse(text)).toBeUndefined();
  });
});
