// Every URL the UI calls comes from a path of a contract: no '/api/…' string in the sources (outside the
// generated types and the tests) is anything but a path of contracts/*.yaml, and none is put together
// in a template string.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../src', import.meta.url));
const contracts = fileURLToPath(new URL('../../contracts', import.meta.url));

/** The paths of every contract ("/api/search/jobs/{id}", …). */
function contractPaths() {
  const paths = new Set();
  for (const file of readdirSync(contracts).filter((f) => f.endsWith('.yaml'))) {
    for (const m of readFileSync(path.join(contracts, file), 'utf8').matchAll(/^ {2}(\/api\/\S+):\s*$/gm)) paths.add(m[1]);
  }
  return paths;
}

/**
 * The string and template literals of a source that are (or start) a URL of the API, absolute or not,
 * but are not a contract path; with their line.
 */
function strayApiStrings(file, text, paths) {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found = [];
  const where = (node) => `${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const mentionsApi = (s) => /^(?:[a-z][a-z\d+.-]*:\/\/[^/]*)?\/api(?:[/?]|$)/i.test(s);
  const visit = (node) => {
    if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && mentionsApi(node.text) && !paths.has(node.text)) {
      found.push(`${where(node)} '${node.text}'`);
    } else if ((ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) && mentionsApi(node.text)) {
      found.push(`${where(node)} \`…${node.text}…\` (a URL put together by hand)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'generated' ? [] : sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

describe('URLs come from the contracts', () => {
  const paths = contractPaths();

  it('reads the contracts', () => {
    expect(paths.has('/api/search/jobs/{id}')).toBe(true);
    expect(paths.has('/api/features/datasets/{id}/thumbnails/{image}')).toBe(true);
    expect(paths.size).toBeGreaterThan(30);
  });

  it('tells a contract path from a URL written by hand', () => {
    const text = [
      "api.GET('/api/search/jobs/{id}', {});",
      "const a = '/api/search/jobs/';",
      'const b = `/api/features/datasets/${id}/images`;',
      "const c = 'http://localhost:8083/api/search/metrics';",
      'const d = `${base}/api/search/metrics?x=${x}`;',
      "// '/api/in/a/comment' is fine, and so are '/apiary', an import and prose:",
      "import { x } from '../api/search';",
      "const e = ['/apiary', 'GET /api/features/info answers 404'];",
    ].join('\n');
    expect(strayApiStrings('x.ts', text, paths)).toEqual([
      "x.ts:2 '/api/search/jobs/'",
      'x.ts:3 `…/api/features/datasets/…` (a URL put together by hand)',
      "x.ts:4 'http://localhost:8083/api/search/metrics'",
      'x.ts:5 `…/api/search/metrics?x=…` (a URL put together by hand)',
    ]);
  });

  it('holds for every source of the UI', () => {
    const files = sources(src);
    expect(files.length).toBeGreaterThan(50);
    const stray = files.flatMap((f) => strayApiStrings(path.relative(src, f), readFileSync(f, 'utf8'), paths));
    expect(stray).toEqual([]);
  });
});
