import { changedFields } from '../../src/modules/article/article.writer';
import type { ArticleSnapshot } from '../../src/modules/article/article.row';

/** What a revision records as changed: the history editors read ("title, regions"), and whether a save is a new version at all. */
describe('changed fields of a revision', () => {
  const before: ArticleSnapshot = {
    slug: 'وزيرة-التضامن', title: 'وزيرة التضامن تعرض خطتها', kicker: null, summary: 'ملخص', lang: 'ar', hasVideo: false,
    body: [{ type: 'PARAGRAPH', text: 'نص' }], tags: ['التضامن'], editorNote: null, categoryId: 3, leadImageId: null,
    personIds: [1, 2], regionCodes: ['MA-04'], status: 'DRAFT', publishedAt: null,
  };

  it('is empty when nothing differs: saving the same content makes no new version', () => {
    expect(changedFields(before, { ...before, body: [{ type: 'PARAGRAPH', text: 'نص' }], tags: ['التضامن'] })).toEqual([]);
  });

  it('names each field that differs as the API names it, in a fixed order', () => {
    expect(changedFields(before, { ...before, regionCodes: ['MA-04', 'MA-KEN'], title: 'عنوان جديد' })).toEqual(['title', 'regions']);
    expect(changedFields(before, { ...before, categoryId: null, personIds: [1], leadImageId: 9 })).toEqual(['category', 'leadImage', 'people']);
  });

  it('sees order in lists (editorial order is content) and a change inside a body block', () => {
    expect(changedFields(before, { ...before, personIds: [2, 1] })).toEqual(['people']);
    expect(changedFields(before, { ...before, body: [{ type: 'PARAGRAPH', text: 'نص معدل' }] })).toEqual(['body']);
  });

  it('counts workflow changes too: status and publication time', () => {
    expect(changedFields(before, { ...before, status: 'PUBLISHED', publishedAt: '2026-12-06T10:00:00.000Z' })).toEqual(['status', 'publishedAt']);
  });

  it('tells no value (null) from an empty text', () => {
    expect(changedFields(before, { ...before, kicker: '' })).toEqual(['kicker']);
    expect(changedFields(before, { ...before, editorNote: 'ملاحظة' })).toEqual(['editorNote']);
  });
});
