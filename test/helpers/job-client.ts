/**
 * A plain fetch client of the jobs API for tests against processes that come and go: a
 * refused connection is an answer (status 0) rather than an exception, so client loops
 * can count it and go on.
 */
export interface Answer {
  /** 0: no HTTP answer (connection refused or reset). */
  status: number;
  headers: Headers;
  body: any;
}

const FINAL = new Set(['succeeded', 'failed', 'canceled']);

export async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  try {
    const response = await fetch(url, init);
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: kept as text for the assertion message.
    }
    return { status: response.status, headers: response.headers, body };
  } catch (err) {
    return { status: 0, headers: new Headers(), body: String(err) };
  }
}

export function submit(apiUrl: string, job: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  return call(`${apiUrl}/v1/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(job) });
}

/** The job once it has ended, asking every `everyMs`; null if it has not ended within `ms`, status 'not found' if the API does not know it. */
export async function final(apiUrl: string, id: string, ms = 120_000, everyMs = 100): Promise<any | null> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const { status, body } = await call(`${apiUrl}/v1/jobs/${id}`);
    if (status === 200 && FINAL.has(body.status)) return body;
    // An accepted job is never unknown: no point in asking until the time is up.
    if (status === 404) return { status: 'not found', id };
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return null;
}

/** The result as the safetensors file. */
export async function resultFile(apiUrl: string, id: string): Promise<Buffer> {
  const response = await fetch(`${apiUrl}/v1/jobs/${id}/result`, { headers: { accept: 'application/vnd.safetensors' } });
  if (response.status !== 200) throw new Error(`result of ${id}: HTTP ${response.status} ${await response.text()}`);
  return Buffer.from(await response.arrayBuffer());
}
