// Calls a webhook with a JSON body. Never throws: a release step must not fail or stall because a
// chat service is down, so each call has a deadline and its outcome is returned for reporting.

export interface WebhookOutcome {
  ok: boolean;
  /** "HTTP 200", "HTTP 500", "timed out after 5000 ms", "connection refused"… */
  detail: string;
  ms: number;
}

export async function postJson(url: string, body: unknown, options: { timeoutMs?: number } = {}): Promise<WebhookOutcome> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'recipe-notify' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
    // Drain the body so the connection is released, but never wait on it past the deadline.
    await response.arrayBuffer().catch(() => undefined);
    return { ok: response.ok, detail: `HTTP ${response.status}`, ms: elapsed() };
  } catch (error) {
    const err = error as Error & { cause?: { code?: string; message?: string } };
    if (err.name === 'TimeoutError' || err.name === 'AbortError') return { ok: false, detail: `timed out after ${timeoutMs} ms`, ms: elapsed() };
    return { ok: false, detail: err.cause?.code ?? err.cause?.message ?? err.message, ms: elapsed() };
  }
}
