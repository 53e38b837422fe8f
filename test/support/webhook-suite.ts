import { A_BODY, CREATE, ok, PUBLISH } from './editorial';
import type { ConfigOverrides } from '../../src/config';
import { startTestApp, TestApp } from './test-app';
import { WEBHOOK_TEST_CONFIG, WebhookReceiver } from './webhook-receiver';

export interface WebhookSuite {
  app: TestApp;
  receiver: WebhookReceiver;
  admin: string;
  editor: string;
  /** Creates and publishes an article as the editor (on `on`, another instance, when given): one `article.published` event. */
  publish(on?: TestApp): Promise<{ id: string; slug: string }>;
}

/**
 * The set-up of the webhook tests: a verifying receiver and one server for the file (with webhooks on, and `overrides`),
 * an admin's and an editor's token, and no webhook, job or receipt left from the test before.
 * `receive` is given the suite once it is up.
 */
export function webhookSuite(overrides: ConfigOverrides, receive: (suite: WebhookSuite) => void): void {
  let app: TestApp;
  let receiver: WebhookReceiver;
  let titles = 0;
  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    app = await startTestApp({ webhooks: WEBHOOK_TEST_CONFIG, ...overrides });
    const [admin, editor] = [await app.token('ADMIN', 'Nadia Admin'), await app.token('EDITOR', 'Salma Editor')];
    const publish = async (on: TestApp = app) => {
      titles += 1;
      const { createArticle } = await ok(on, CREATE, { input: { title: `مقال رقم ${titles} عن الجهة`, body: A_BODY } }, editor);
      await ok(on, PUBLISH, { id: createArticle.id }, editor);
      return createArticle as { id: string; slug: string };
    };
    receive({ app, receiver, admin, editor, publish });
  });
  afterAll(async () => {
    await app?.stop();
    await receiver?.stop();
  });
  beforeEach(async () => {
    await app.sql('DELETE FROM webhook');
    await app.sql(`DELETE FROM delivery_job WHERE consumer = 'webhooks'`);
    receiver.reset();
    receiver.secrets = [];
  });
}
