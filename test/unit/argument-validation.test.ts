import 'reflect-metadata';
import { Max, Min } from 'class-validator';
import { ArgumentValidationError } from 'type-graphql';
import { rememberingValidation } from '../../src/server/argument-validation';

class Page {
  @Min(1) @Max(100) first = 20;
}
const page = (first: number) => Object.assign(new Page(), { first });

/** Argument validation remembers only values that passed: a refused value is checked, and refused, every time. */
describe('argument validation (src/server/argument-validation.ts)', () => {
  const validate = rememberingValidation();
  const run = async (value: unknown) => validate(value, Page, {} as never);

  it('passes a valid value, again once remembered, and refuses an invalid one each time with type-graphql\'s error', async () => {
    await expect(run(page(20))).resolves.toBeUndefined();
    await expect(run(page(20))).resolves.toBeUndefined();
    for (let i = 0; i < 2; i += 1) {
      const refusal = await Promise.resolve(run(page(500))).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(ArgumentValidationError);
      expect((refusal as ArgumentValidationError).extensions.validationErrors).toEqual([expect.objectContaining({ property: 'first' })]);
    }
    await expect(run([page(5), null, page(0)])).rejects.toBeInstanceOf(ArgumentValidationError);
    await expect(run('a string')).resolves.toBeUndefined();
  });
});
