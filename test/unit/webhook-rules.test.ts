import { Webhook } from 'standardwebhooks';
import { isForbiddenAddress, messageIdOf, newSecret, shortestRetrySpanMs, signatureHeader } from '../../src/modules/webhooks/webhook.rules';
import { loadConfig } from '../../src/config';

describe('webhook rules (src/modules/webhooks/webhook.rules.ts)', () => {
  it('signs as Standard Webhooks: the standardwebhooks package verifies each secret of a rotation\'s header', () => {
    const [current, previous, stranger] = [newSecret(), newSecret(), newSecret()];
    const id = messageIdOf(7, 1234);
    const timestamp = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ type: 'article.published', data: { title: 'حيار تعرض استراتيجية وزارتها & <للتشاور>' } });
    const headers = { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signatureHeader([current, previous], id, timestamp, body) };
    expect(new Webhook(current).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(previous).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(stranger).verify(body, headers)).toThrow();
    expect(() => new Webhook(current).verify(body.replace('&', 'and'), headers)).toThrow();
  });

  it('refuses loopback, private, link-local and other non-public addresses, IPv4 inside IPv6 included', () => {
    const refused = ['127.0.0.1', '127.8.9.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1',
      '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fd00::1', 'fc00::5', '::ffff:127.0.0.1', '::ffff:7f00:1',
      '::ffff:10.0.0.1', '64:ff9b::a9fe:a9fe', 'ff02::1', 'not an address'];
    const allowed = ['8.8.8.8', '1.1.1.1', '41.251.3.4', '172.32.0.1', '192.169.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8', '2a00:1450::1'];
    expect(refused.filter((address) => !isForbiddenAddress(address))).toEqual([]);
    expect(allowed.filter(isForbiddenAddress)).toEqual([]);
  });

  it('keeps retrying for at least 24 hours by default, whatever the jitter, then dead-letters', () => {
    const { retry } = loadConfig({}).webhooks;
    expect(shortestRetrySpanMs(retry)).toBeGreaterThanOrEqual(24 * 3_600_000);
    expect(shortestRetrySpanMs({ ...retry, maxAttempts: 40 })).toBeLessThan(24 * 3_600_000);
  });

  it('refuses private targets and reads a 10 s timeout unless the environment says otherwise', () => {
    expect(loadConfig({}).webhooks).toMatchObject({ allowPrivateTargets: false, timeoutMs: 10_000 });
    expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }).webhooks.allowPrivateTargets).toBe(true);
  });
});
