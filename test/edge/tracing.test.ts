import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestApp } from '../support/test-app';

interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: { key: string; value: Record<string, unknown> }[];
}

/** A stand-in OpenTelemetry collector: OTLP/HTTP JSON on /v1/traces. */
async function startCollector(): Promise<{ url: string; spans: ExportedSpan[]; close(): Promise<void> }> {
  const spans: ExportedSpan[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const payload = JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: ExportedSpan[] }[] }[] };
      for (const resource of payload.resourceSpans) for (const scope of resource.scopeSpans) spans.push(...scope.spans);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`,
    spans,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const attribute = (span: ExportedSpan, key: string) => Object.values(span.attributes.find((a) => a.key === key)?.value ?? {})[0];

describe('OpenTelemetry tracing (optional)', () => {
  it('exports a server span per request, continuing the caller\'s trace, with parse, validation and execution under it', async () => {
    const collector = await startCollector();
    const app = await startTestApp({ edge: { tracesUrl: collector.url } });
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    try {
      const res = await app.gql('query FrontPage { articles(first: 3) { edges { node { slug } } } }', undefined, {
        headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      });
      expect(res.status).toBe(200);
    } finally {
      await app.stop(); // flushes the spans
      await collector.close();
    }
    const request = collector.spans.find((s) => s.name === 'graphql.request')!;
    expect(request.traceId.toLowerCase()).toBe(traceId);
    expect(request.parentSpanId?.toLowerCase()).toBe('00f067aa0ba902b7');
    expect(attribute(request, 'graphql.operation.name')).toBe('FrontPage');
    expect(Number(attribute(request, 'http.response.status_code'))).toBe(200);
    const children = collector.spans.filter((s) => s.parentSpanId === request.spanId).map((s) => s.name).sort();
    expect(children).toEqual(['graphql.execute', 'graphql.parse', 'graphql.validate']);
  });
});
