import { describe, expect, it } from 'vitest';
import { unitEn, unitZh, withUnit } from '../src/kinds/shared.js';

/**
 * The words of the reasons: each quantity by its label in the language asked
 * for, with its unit in that language; plurals and nothing deducted in plain
 * words; a rate given as a count shown with its count.
 */

describe('units: one text for a symbol, or each language’s own word', () => {
  it('a symbol is written in both languages, after a space in English', () => {
    expect(withUnit('9.1', '‰')).toEqual({ zh: '9.1‰', en: '9.1 ‰' });
    expect(withUnit('400', 'm²')).toEqual({ zh: '400m²', en: '400 m²' });
    expect(withUnit('93', '%')).toEqual({ zh: '93%', en: '93 %' });
    expect(withUnit('7', undefined)).toEqual({ zh: '7', en: '7' });
  });

  it('a word has its Chinese and English forms; enOne follows exactly 1 and a bound of 1', () => {
    const households = { zh: '户', en: 'households', enOne: 'household' };
    expect(withUnit('1100', households)).toEqual({ zh: '1100户', en: '1100 households' });
    expect(withUnit('1', households)).toEqual({ zh: '1户', en: '1 household' });
    expect(withUnit('>= 1', households).en).toBe('>= 1 household');
    expect(withUnit('= 1', households).en).toBe('= 1 household');
    expect(withUnit('1.5', households).en).toBe('1.5 households');
    expect(withUnit('[1, 2]', households).en).toBe('[1, 2] households');
    expect(withUnit('>= 10', households).en).toBe('>= 10 households');
    // Without enOne, en is used after 1 too.
    expect(withUnit('1', { zh: '米', en: 'm' }).en).toBe('1 m');
  });

  it('a unit written once in Chinese characters has no English form: English leaves it out', () => {
    expect(unitEn('户')).toBe('');
    expect(unitEn('次/年')).toBe('');
    expect(unitZh('户')).toBe('户');
    expect(withUnit('1100', '户')).toEqual({ zh: '1100户', en: '1100' });
  });
});
