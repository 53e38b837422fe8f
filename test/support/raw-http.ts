import http from 'node:http';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One HTTP request with exactly the bytes and headers given (fetch would fix them up). */
export function rawRequest(url: string, { method = 'POST', headers = {}, body }: {
  method?: string; headers?: Record<string, string>; body?: Buffer | string;
} = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** The error codes of a GraphQL response body, or null when it is not one. */
export function errorCodesOf(body: string): string[] | null {
  try {
    const parsed = JSON.parse(body) as { errors?: { extensions?: { code?: string } }[] };
    return (parsed.errors ?? []).map((error) => String(error.extensions?.code));
  } catch {
    return null;
  }
}
