import { describe, expect, it } from 'vitest';
import { encodeImageId, thumbnailUrl } from './features';
import { formData, isJob } from './search';

describe('image URLs', () => {
  it('escapes each segment of an image id but keeps the slashes', () => {
    expect(encodeImageId('elephant/image_0001.jpg')).toBe('elephant/image_0001.jpg');
    expect(encodeImageId('my class/a b#1?.jpg')).toBe('my%20class/a%20b%231%3F.jpg');
    expect(encodeImageId('a/b/c%.png')).toBe('a/b/c%25.png');
  });

  it('builds thumbnail URLs from the contract path', () => {
    expect(thumbnailUrl('caltech101-iconic200', 'elephant/image_0001.jpg', 320)).toBe(
      '/api/features/datasets/caltech101-iconic200/thumbnails/elephant/image_0001.jpg?size=320',
    );
    expect(thumbnailUrl('my data', 'x/y z.jpg', 96)).toBe('/api/features/datasets/my%20data/thumbnails/x/y%20z.jpg?size=96');
  });
});

describe('search answers and uploads', () => {
  it('tells a 202 job from results', () => {
    expect(isJob({ job: '/api/search/jobs/1', state: 'queued' }, 202)).toBe(true);
    expect(isJob({ hits: [] }, 200)).toBe(false);
    expect(isJob(undefined, 202)).toBe(false);
  });

  it('sends files as files and the rest as fields', () => {
    const file = new File(['jpeg'], 'me.jpg', { type: 'image/jpeg' });
    const form = formData({ image: file, dataset: 'd', k: '50', pooling: undefined });
    expect((form.get('image') as File).name).toBe('me.jpg');
    expect(form.get('dataset')).toBe('d');
    expect(form.get('k')).toBe('50');
    expect(form.has('pooling')).toBe(false);
  });
});
