import { Attributes, context, Context as TraceContext, ROOT_CONTEXT, Span, SpanKind, SpanStatusCode, trace, Tracer } from '@opentelemetry/api';
import { ExportResult, ExportResultCode, parseTraceParent } from '@opentelemetry/core';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor, ParentBasedSampler, ReadableSpan, SpanExporter, TraceIdRatioBasedSampler, TracerProvider,
} from '@opentelemetry/sdk-trace';

/** OTLP/HTTP with JSON bodies, sent with fetch (the stock exporter loads `http` by dynamic import, which Jest cannot run). */
class OtlpJsonExporter implements SpanExporter {
  private pending = new Set<Promise<void>>();

  constructor(private readonly url: string) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    const body = JsonTraceSerializer.serializeRequest(spans);
    const sent = fetch(this.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(10_000) })
      .then((res) => done({ code: res.ok ? ExportResultCode.SUCCESS : ExportResultCode.FAILED }))
      .catch((error: Error) => done({ code: ExportResultCode.FAILED, error }))
      .finally(() => this.pending.delete(sent));
    this.pending.add(sent);
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.pending);
  }

  shutdown(): Promise<void> {
    return this.forceFlush();
  }
}

/**
 * Optional OpenTelemetry tracing (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT): a server span per GraphQL request, continuing
 * the caller's `traceparent`, with parse, validation and execution spans under it, exported over OTLP/HTTP. The
 * provider is this instance's own, not the global one, so several instances can run in one process.
 */
export class Tracing {
  private readonly provider: TracerProvider;
  readonly tracer: Tracer;

  constructor(url: string, serviceName: string, sampleRatio: number) {
    this.provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': serviceName }),
      sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(sampleRatio) }),
      spanProcessors: [new BatchSpanProcessor({ exporter: new OtlpJsonExporter(url), scheduledDelayMillis: 1000 })],
    });
    this.tracer = this.provider.getTracer('khabar');
  }

  /** The server span of one request, child of the caller's span when it sent a valid `traceparent`. */
  startRequest(traceparent: string | undefined, attributes: Attributes): Span {
    const parent = traceparent ? parseTraceParent(traceparent) : null;
    const parentContext = parent ? trace.setSpanContext(ROOT_CONTEXT, { ...parent, isRemote: true }) : ROOT_CONTEXT;
    return this.tracer.startSpan('graphql.request', { kind: SpanKind.SERVER, attributes }, parentContext);
  }

  /** A span under `parent`; ended by the caller. */
  startChild(parent: Span, name: string): Span {
    const parentContext: TraceContext = trace.setSpan(context.active(), parent);
    return this.tracer.startSpan(name, { kind: SpanKind.INTERNAL }, parentContext);
  }

  static endWithError(span: Span, error?: unknown): void {
    if (error) span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    span.end();
  }

  /** Flushes what is buffered, then stops exporting. */
  stop(): Promise<void> {
    return this.provider.shutdown();
  }
}
