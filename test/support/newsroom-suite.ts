import { factories } from './factories';
import { startTestApp, TestApp } from './test-app';

export interface NewsroomSuite {
  app: TestApp;
  make: ReturnType<typeof factories>;
  /** An EDITOR token carrying `editorName`. */
  editor: string;
}

/**
 * The set-up of the editorial API tests: one server for the file, an editor's token, and an empty newsroom before
 * each test (articles, tickers, people, sections and their events). `receive` is given the suite once it is up.
 */
export function newsroomSuite(editorName: string, receive: (suite: NewsroomSuite) => void): void {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
    receive({ app, make: factories(app), editor: await app.token('EDITOR', editorName) });
  });
  afterAll(() => app.stop());
  beforeEach(() => app.sql('TRUNCATE article, ticker, person, category, event_outbox CASCADE'));
}
