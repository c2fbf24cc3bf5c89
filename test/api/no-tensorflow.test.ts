/** The API process never loads TensorFlow.js: its static import graph does not reach it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

/** Value imports and re-exports of a file (type-only ones are erased at compile time). */
function importsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const specs: string[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?[^'";]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm;
  for (const m of source.matchAll(re)) {
    if (m[2]) continue;
    specs.push(m[3] ?? m[4]);
  }
  return specs;
}

function reach(entry: string): Map<string, string> {
  const seen = new Map<string, string>([[entry, '(entry)']]);
  const stack = [entry];
  while (stack.length) {
    const file = stack.pop()!;
    for (const spec of importsOf(file)) {
      if (!spec.startsWith('.')) {
        if (!seen.has(spec)) seen.set(spec, file);
        continue;
      }
      const resolved = normalize(join(dirname(file), spec.replace(/\.js$/, '.ts')));
      if (existsSync(resolved) && !seen.has(resolved)) {
        seen.set(resolved, file);
        stack.push(resolved);
      }
    }
  }
  return seen;
}

for (const entry of ['src/server.ts', 'src/api/app.ts', 'src/main.ts']) {
  test(`${entry} reaches no TensorFlow.js`, () => {
    const graph = reach(entry);
    const offenders = [...graph.keys()].filter((k) => k.startsWith('@tensorflow/') || k === 'src/core/tf.ts');
    assert.deepEqual(offenders.map((o) => `${o} (imported by ${graph.get(o)})`), []);
    assert.ok(graph.has('src/job/validate.ts'), 'the walk follows imports');
  });
}

test('the worker does reach it (the walk can tell)', () => {
  assert.ok(reach('src/worker/sandbox.ts').has('src/core/tf.ts'));
});
