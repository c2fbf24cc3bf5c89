/**
 * A bound on how deeply a job's JSON nests, applied without recursion before anything
 * recursive walks the job (the schema check, cloning, defaults, unpacking). JSON.parse
 * accepts 100 000 nested arrays in a few hundred kilobytes; walked recursively they
 * overflow the stack, and a bad body would become a 500 instead of a 422 naming the field.
 *
 * Over-deep parts are cut off (replaced by null) rather than refused here, so that the
 * schema check then names the field as for any other wrong value ("model: expected
 * string", "extra: unexpected property"). A cut job is always refused: the deepest a
 * valid job goes is loss.terms[i].loss.target.shape, six levels, and a cut leaves a
 * container MAX_JOB_DEPTH - 1 levels down.
 */
export const MAX_JOB_DEPTH = 32;

type Container = unknown[] | Record<string, unknown>;

const isContainer = (v: unknown): v is Container => typeof v === 'object' && v !== null;

/** Whether any object or array sits `maxDepth` or more levels below `value`. */
function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  const pending: Array<[Container, number]> = isContainer(value) ? [[value, 0]] : [];
  while (pending.length > 0) {
    const [v, depth] = pending.pop()!;
    if (depth >= maxDepth) return true;
    // A plain loop over arrays: tensor data (millions of numbers) is most of a job.
    const children = Array.isArray(v) ? v : Object.values(v);
    for (let i = 0; i < children.length; i++) if (isContainer(children[i])) pending.push([children[i] as Container, depth + 1]);
  }
  return false;
}

/**
 * `value` itself when it nests less than `maxDepth` levels (the usual case: no copy), else
 * a copy with every object or array found `maxDepth` levels down replaced by null.
 */
export function cutDeepNesting<T>(value: T, maxDepth = MAX_JOB_DEPTH): T {
  if (!nestsDeeperThan(value, maxDepth)) return value;
  const copyOf = (v: Container): Container => (Array.isArray(v) ? [...v] : { ...v });
  const root = copyOf(value as Container);
  const pending: Array<[Container, number]> = [[root, 0]];
  while (pending.length > 0) {
    const [copy, depth] = pending.pop()!;
    const keys = Array.isArray(copy) ? copy.keys() : Object.keys(copy).values();
    for (const key of keys) {
      const child = (copy as Record<string | number, unknown>)[key];
      if (!isContainer(child)) continue;
      const replacement = depth + 1 >= maxDepth ? null : copyOf(child);
      Object.defineProperty(copy, key, { value: replacement, enumerable: true, writable: true, configurable: true });
      if (replacement) pending.push([replacement, depth + 1]);
    }
  }
  return root as T;
}
