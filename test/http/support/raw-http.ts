import { connect } from 'node:net';

/** A header line to send: the value as a string, or as raw bytes for values fetch cannot send. */
export type RawHeader = readonly [name: string, value: string | Buffer];

export interface RawRequest {
  method?: string;
  path: string;
  headers?: readonly RawHeader[];
  body?: string | Buffer;
}

export interface RawResponse {
  status: number;
  /** Header values by lowercase name, in the order received. */
  headers: Map<string, string[]>;
  body: Buffer;
  /** The whole response as received, headers included. */
  raw: Buffer;
}

/**
 * Sends one HTTP/1.1 request over a plain socket to 127.0.0.1, byte for byte as given, so a
 * test can send repeated header lines and non-ASCII bytes. Reads until the server closes the
 * connection (`Connection: close`).
 */
export function sendRaw(port: number, request: RawRequest): Promise<RawResponse> {
  const lines: Buffer[] = [Buffer.from(`${request.method ?? 'GET'} ${request.path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n`, 'latin1')];
  for (const [name, value] of request.headers ?? []) {
    lines.push(Buffer.from(`${name}: `, 'latin1'), typeof value === 'string' ? Buffer.from(value, 'latin1') : value, Buffer.from('\r\n', 'latin1'));
  }
  const body = request.body === undefined ? null : Buffer.from(request.body);
  if (body !== null) lines.push(Buffer.from(`Content-Length: ${body.length}\r\n`, 'latin1'));
  lines.push(Buffer.from('\r\n', 'latin1'));
  if (body !== null) lines.push(body);

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(10_000, () => socket.destroy(new Error(`no response from 127.0.0.1:${port} within 10 s`)));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      try {
        resolve(parseResponse(Buffer.concat(chunks)));
      } catch (error) {
        reject(error);
      }
    });
    socket.write(Buffer.concat(lines));
  });
}

function parseResponse(raw: Buffer): RawResponse {
  const headerEnd = raw.indexOf('\r\n\r\n');
  if (headerEnd === -1) throw new Error(`incomplete HTTP response: ${JSON.stringify(raw.toString('latin1'))}`);
  const [statusLine, ...headerLines] = raw.subarray(0, headerEnd).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine ?? '')?.[1]);

  const headers = new Map<string, string[]>();
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
  }

  let body = raw.subarray(headerEnd + 4);
  if (headers.get('transfer-encoding')?.includes('chunked')) body = decodeChunked(body);
  return { status, headers, body, raw };
}

function decodeChunked(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', offset);
    const size = Number.parseInt(data.subarray(offset, lineEnd).toString('latin1'), 16);
    if (size === 0) return Buffer.concat(parts);
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
}

/** Returns the only value of a response header, or `null` when it is absent. Fails when it was sent twice. */
export function header(response: RawResponse, name: string): string | null {
  const values = response.headers.get(name.toLowerCase()) ?? [];
  if (values.length > 1) throw new Error(`header ${name} was sent ${values.length} times`);
  return values[0] ?? null;
}
