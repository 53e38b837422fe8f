/** The newsroom's saved operations: one tab each, shown when the editor has no saved tabs yet. */
export interface ExampleTab {
  query: string;
  variables?: string;
}

export const exampleTabs: ExampleTab[] = [
  {
    query: `# الصفحة الأولى: the front page — the latest articles and the breaking news on air.
query FrontPage {
  articles(first: 10) {
    edges {
      node {
        title
        slug
        displayDate
        regions { code nameAr }
        people { nameAr roleAr }
      }
    }
    pageInfo { endCursor hasNextPage }
  }
  tickers(first: 5) { id headline urgency publishedAt }
}
`,
  },
  {
    query: `# An article by its slug (Arabic letters can be typed or pasted as they are).
query ArticleBySlug($slug: String!) {
  article(slug: $slug) {
    title
    kicker
    summary
    displayDate
    dir
    category { nameAr }
    body { type text }
    people { nameAr roleAr }
    regions { fullNameAr }
  }
}
`,
    variables: `{
  "slug": "دعت-إلى-اعتماد-مخطط-عمل-اجتماعي-مشترك-حيار-تعرض-استراتيجية"
}`,
  },
  {
    query: `# Push breaking news (عاجل): needs an editor token in the headers below.
mutation PushBreakingNews($input: PushBreakingNewsInput!) {
  pushBreakingNews(input: $input) { id headline urgency publishedAt expiresAt }
}
`,
    variables: `{
  "input": { "headline": "عاجل: انطلاق الدورة الاستثنائية للبرلمان", "urgency": 1, "regionCode": "MA-04" }
}`,
  },
  {
    query: `# Write an article, then publish it: needs an editor token in the headers below.
mutation CreateArticle($input: CreateArticleInput!) {
  createArticle(input: $input) { id slug status }
}

mutation PublishArticle($id: ID!) {
  publishArticle(id: $id) { id slug status publishedAt displayDate }
}
`,
    variables: `{
  "input": {
    "title": "الرباط تحتضن ملتقى وطنيا حول الإعلام الرقمي",
    "lang": "ar",
    "body": [{ "type": "PARAGRAPH", "text": "انطلقت اليوم بالرباط أشغال الملتقى الوطني حول الإعلام الرقمي." }],
    "regionCodes": ["MA-04"]
  },
  "id": "paste the id returned by CreateArticle"
}`,
  },
  {
    query: `# Breaking news as it is pushed (over graphql-ws). Pass "after" with the last cursor to resume.
subscription BreakingNews($after: String, $minUrgency: Int) {
  breakingNews(after: $after, minUrgency: $minUrgency) {
    cursor
    kind
    ticker { id headline urgency publishedAt region { nameAr } }
  }
}
`,
    variables: `{ "minUrgency": 3 }`,
  },
];

/** Headers of every new tab: JSON with comments, so the guidance can sit next to the value. */
export const defaultHeaders = `{
  // Editors: get a token with \`npm run token -- --role editor --name "اسمك"\`,
  // then uncomment the next line and paste it after "Bearer ".
  // "Authorization": "Bearer …"
}`;
