/** The newsroom as its pages, structured data and sitemaps name it (Google News matches `name` to the publication). */
export const SITE = {
  name: 'خبر',
  /** Its language for Google News (`news:language`) and the pages that are not one article's. */
  lang: 'ar',
  logoPath: '/assets/favicon.svg',
} as const;
