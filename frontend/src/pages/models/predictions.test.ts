import { describe, expect, it } from 'vitest';
import { splitLabel } from './predictions';

describe('ImageNet labels', () => {
  it('shows the first name and keeps the synonyms apart', () => {
    expect(splitLabel('African elephant, Loxodonta africana')).toEqual(['African elephant', 'Loxodonta africana']);
    expect(splitLabel('Arabian camel, dromedary, Camelus dromedarius')).toEqual(['Arabian camel', 'dromedary, Camelus dromedarius']);
    expect(splitLabel('tusker')).toEqual(['tusker', '']);
  });
});
