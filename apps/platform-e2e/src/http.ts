// Calls to a deployable's HTTP API, with a timeout and failures that name the URL.
const timeoutMs = 10_000;

export interface Answer {
  url: string;
  status: number;
  body: unknown;
}

/** One request; a network failure throws naming the URL, any HTTP status is returned. */
export async function call(base: string, path: string, init: { method?: string; json?: unknown } = {}): Promise<Answer> {
  const url = `${base}${path}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method ?? 'GET',
      headers: init.json === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`${init.method ?? 'GET'} ${url} got no answer: ${cause?.code ?? cause?.message ?? (error as Error).message}`, { cause: error });
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: keep the text for the message.
  }
  return { url, status: response.status, body };
}

/** GET that must answer `status` (200 by default) with a JSON object. */
export async function getJson(base: string, path: string, status = 200): Promise<Record<string, unknown>> {
  const answer = await call(base, path);
  if (answer.status !== status) throw new Error(`GET ${answer.url} answered ${answer.status}, not ${status}: ${preview(answer.body)}`);
  if (typeof answer.body !== 'object' || answer.body === null) throw new Error(`GET ${answer.url} did not answer a JSON object: ${preview(answer.body)}`);
  return answer.body as Record<string, unknown>;
}

export function preview(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** The records API's count of stored records (GET / on records). */
export async function recordCount(recordsUrl: string): Promise<number> {
  const summary = await getJson(recordsUrl, '/');
  if (!Number.isInteger(summary.records)) throw new Error(`GET ${recordsUrl}/ has no integer "records" count: ${preview(summary)}`);
  return summary.records as number;
}
