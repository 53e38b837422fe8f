/** The home page: the ticker and the latest articles with their section, regions, people and tags. */
export const HOME_PAGE = `query Home($first: Int!) {
  tickers(first: 10) { headline urgency region { nameAr } article { slug } }
  articles(first: $first) {
    edges { cursor node { slug title kicker publishedAt displayDate hasVideo tags
      category { slug nameAr } regions { code nameAr parent { nameAr } } people { slug nameAr roleAr } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
