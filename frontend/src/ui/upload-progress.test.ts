import { describe, expect, it } from 'vitest';
import { uploadText } from './upload-progress';

describe('upload progress', () => {
  it('writes upload progress in bytes', () => {
    expect(uploadText(512 * 1024, 2 * 1024 * 1024)).toBe('512 KB of 2.0 MB');
    expect(uploadText(10, 0)).toBe('10 B sent');
  });
});
