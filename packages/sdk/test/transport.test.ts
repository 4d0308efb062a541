import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { GatehouseError, GatehouseNetworkError, HttpTransport, parseRetryAfter } from '../src/index.js';

/** A scripted HTTP peer: each request gets the next answer of the script. */
async function scriptedServer(
  script: Array<(response: ServerResponse) => void>,
): Promise<{ url: string; server: Server; requests: IncomingMessage[] }> {
  const requests: IncomingMessage[] = [];
  const server = createServer((request, response) => {
    requests.push(request);
    const answer = script[Math.min(requests.length - 1, script.length - 1)];
    answer?.(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/thing`, server, requests };
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}) =>
  (response: ServerResponse) => {
    response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    response.end(JSON.stringify(body));
  };

/** A port nothing listens on (fetch refuses some well-known ports outright, so not port 9). */
async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let open: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (open ? open.close(() => resolve()) : resolve())));

describe('HttpTransport retries', () => {
  it('retries 503 with full-jitter waits inside the exponential ceiling, then answers', async () => {
    const peer = await scriptedServer([
      json(503, { errorCode: 503000, message: 'busy' }),
      json(503, {}),
      json(200, { ok: 1 }),
    ]);
    open = peer.server;
    const waits: number[] = [];
    const transport = new HttpTransport({
      retry: { baseDelayMs: 100, maxDelayMs: 150 },
      random: () => 0.999,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    const response = await transport.send({ method: 'GET', url: peer.url });
    expect(response.body).toEqual({ ok: 1 });
    expect(waits).toEqual([99, 149]);
    expect(peer.requests).toHaveLength(3);
  });

  it('re-computes headers for every attempt (re-signing)', async () => {
    const peer = await scriptedServer([json(500, {}), json(200, {})]);
    open = peer.server;
    let signed = 0;
    const transport = new HttpTransport({ sleep: async () => {}, random: () => 0 });
    await transport.send({
      method: 'POST',
      url: peer.url,
      json: {},
      idempotent: true,
      headers: () => ({ 'X-Attempt': String(++signed) }),
    });
    expect(peer.requests.map((request) => request.headers['x-attempt'])).toEqual(['1', '2']);
  });

  it('retries a POST only when the server did not act on it (429, 503), never after another 5xx', async () => {
    const refusedFirst = await scriptedServer([json(503, {}), json(429, {}), json(201, { id: 1 })]);
    open = refusedFirst.server;
    const transport = new HttpTransport({ sleep: async () => {}, random: () => 0 });
    const created = await transport.send({ method: 'POST', url: refusedFirst.url, json: {} });
    expect(created.body).toEqual({ id: 1 });
    expect(refusedFirst.requests).toHaveLength(3);
    refusedFirst.server.close();

    const failedMidway = await scriptedServer([json(500, {}), json(201, { id: 2 })]);
    open = failedMidway.server;
    const error = await transport
      .send({ method: 'POST', url: failedMidway.url, json: {} })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ httpStatus: 500 });
    expect(failedMidway.requests).toHaveLength(1);
  });

  it('does not retry other refusals and reads the HERE error body', async () => {
    const peer = await scriptedServer([
      json(
        400,
        {
          errorId: 'ERROR-1',
          httpStatus: 400,
          errorCode: 400200,
          message: 'Received invalid data.',
          errorFields: [{ name: 'name', errorCode: 400203, message: 'Invalid value.' }],
        },
        { 'X-Correlation-ID': 'corr-1' },
      ),
    ]);
    open = peer.server;
    const error = await new HttpTransport().send({ method: 'GET', url: peer.url }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatehouseError);
    expect(error).toMatchObject({ httpStatus: 400, errorCode: 400200, errorId: 'ERROR-1', correlationId: 'corr-1' });
    expect((error as GatehouseError).errorFields).toEqual([
      { name: 'name', errorCode: 400203, message: 'Invalid value.' },
    ]);
    expect(peer.requests).toHaveLength(1);
  });

  it('reads the v1.1 and gateway error shapes', () => {
    const v11 = GatehouseError.fromResponse(403, { title: 'Forbidden.', status: 403, code: 'E202101', action: 'Ask.' });
    expect(v11).toMatchObject({ httpStatus: 403, message: 'Forbidden.', code: 'E202101', action: 'Ask.' });
    const gateway = GatehouseError.fromResponse(429, { error: 'Too Many Requests', error_description: 'Slow down' });
    expect(gateway).toMatchObject({ httpStatus: 429, message: 'Slow down' });
    expect(GatehouseError.fromResponse(502, '<html>').message).toBe('HTTP 502 without an error body');
  });

  it('waits at least Retry-After', async () => {
    const peer = await scriptedServer([json(429, {}, { 'Retry-After': '2' }), json(200, {})]);
    open = peer.server;
    const waits: number[] = [];
    const transport = new HttpTransport({ random: () => 0, sleep: async (ms) => void waits.push(ms) });
    await transport.send({ method: 'GET', url: peer.url });
    expect(waits).toEqual([2000]);
  });

  it('does not start a wait that would pass the time budget', async () => {
    const peer = await scriptedServer([json(429, { errorCode: 429002, message: 'Too many.' }, { 'Retry-After': '2' })]);
    open = peer.server;
    const waits: number[] = [];
    const tight = new HttpTransport({ retry: { maxElapsedMs: 1000 }, sleep: async (ms) => void waits.push(ms) });
    const error = await tight.send({ method: 'GET', url: peer.url }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ httpStatus: 429, errorCode: 429002, retryAfterSeconds: 2 });
    expect(waits).toEqual([]);
    expect(peer.requests).toHaveLength(1);
  });

  it('Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(30_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });

  it('gives up after maxAttempts on a refused connection', async () => {
    const waits: number[] = [];
    const transport = new HttpTransport({
      retry: { maxAttempts: 3 },
      random: () => 0.5,
      sleep: async (ms) => void waits.push(ms),
    });
    const url = `http://127.0.0.1:${await unusedPort()}/x`;
    const error = await transport.send({ method: 'GET', url }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatehouseNetworkError);
    expect((error as Error).message).toMatch(/^Cannot reach http:\/\/127\.0\.0\.1:\d+\/x: .*ECONNREFUSED/);
    expect(waits).toEqual([100, 200]);
  });
});
