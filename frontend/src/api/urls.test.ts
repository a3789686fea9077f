import { describe, expect, it } from 'vitest';
import { catalogJobId } from './catalog';
import { featureJobId, featuresUrls, overviewJobId, thumbnailUrl, visualisationImageUrl, visualisationJobId } from './features';
import { formData, isJob, searchJobId, searchUrls } from './search';

describe('image URLs', () => {
  it('escapes each segment of an image id but keeps the slashes', () => {
    const image = (id: string) => thumbnailUrl('d', id, 96).replace('/api/features/datasets/d/thumbnails/', '').replace('?size=96', '');
    expect(image('elephant/image_0001.jpg')).toBe('elephant/image_0001.jpg');
    expect(image('my class/a b#1?.jpg')).toBe('my%20class/a%20b%231%3F.jpg');
    expect(image('a/b/c%.png')).toBe('a/b/c%25.png');
  });

  it('builds thumbnail URLs from the contract path', () => {
    expect(thumbnailUrl('caltech101-iconic200', 'elephant/image_0001.jpg', 320)).toBe(
      '/api/features/datasets/caltech101-iconic200/thumbnails/elephant/image_0001.jpg?size=320',
    );
    expect(thumbnailUrl('my data', 'x/y z.jpg', 96)).toBe('/api/features/datasets/my%20data/thumbnails/x/y%20z.jpg?size=96');
  });
});

describe('URLs from the contracts', () => {
  it('fills in path parameters (escaped, slashes kept only where the contract says the rest of the path) and the query', () => {
    expect(featuresUrls.url('post', '/api/features/datasets/{id}/images', { path: { id: 'my data/x' } })).toBe('/api/features/datasets/my%20data%2Fx/images');
    expect(featuresUrls.url('get', '/api/features/datasets/{id}/images/{image}', { path: { id: 'd', image: 'a b/c.jpg' } })).toBe('/api/features/datasets/d/images/a%20b/c.jpg');
    expect(featuresUrls.url('post', '/api/features/datasets', {})).toBe('/api/features/datasets');
    expect(searchUrls.url('get', '/api/search/duplicates', { query: { dataset: 'my data', model: 'm', layer: 'a/b', metric: 'cosine', threshold: 0.2, pooling: undefined } })).toBe(
      '/api/search/duplicates?dataset=my%20data&model=m&layer=a%2Fb&metric=cosine&threshold=0.2',
    );
  });

  it('refuses to leave a path parameter unfilled', () => {
    expect(() => featuresUrls.url('post', '/api/features/datasets/{id}/images', { path: { id: '' } })).toThrow(/no value for \{id\}/);
  });

  it('reads the job id from the job URL each service hands out', () => {
    expect(searchJobId('/api/search/jobs/9873c3f5')).toBe('9873c3f5');
    expect(searchJobId('http://localhost:8080/api/search/jobs/9873c3f5?wait=1')).toBe('9873c3f5');
    expect(searchJobId('/api/features/jobs/9873c3f5')).toBeUndefined();
    expect(searchJobId('/api/search/jobs/')).toBeUndefined();
    expect(searchJobId('/api/search/jobs/%E0%A4%A')).toBeUndefined();
    expect(featureJobId('/api/features/jobs/c72e261b')).toBe('c72e261b');
    expect(catalogJobId('/api/catalog/jobs/dl-1')).toBe('dl-1');
    expect(catalogJobId('/api/catalog/jobs/dl-1/cancel')).toBeUndefined();
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

describe('visualisation URLs the feature-service hands out', () => {
  it('tells a drawing job from an overview job', () => {
    expect(visualisationJobId('/api/features/visualisations/a7d5fff0-a3ef-4a90')).toBe('a7d5fff0-a3ef-4a90');
    expect(visualisationJobId('/api/features/visualisations/overview/decbe48e')).toBeUndefined();
    expect(visualisationJobId('/api/features/visualisations/a7d5/preview')).toBeUndefined();
    expect(overviewJobId('/api/features/visualisations/overview/decbe48e')).toBe('decbe48e');
    expect(overviewJobId('/api/features/visualisations/a7d5fff0')).toBeUndefined();
    expect(overviewJobId('http://host/prefix/api/features/visualisations/overview/x1')).toBe('x1');
  });

  it('shows a drawn picture from its contract path, and nothing else', () => {
    expect(visualisationImageUrl('/api/features/visualisations/images/f7bbfbc28e487cef5fa11f66a4d2249f.png')).toBe('/api/features/visualisations/images/f7bbfbc28e487cef5fa11f66a4d2249f.png');
    expect(visualisationImageUrl('http://elsewhere/api/features/visualisations/images/ab.png?x=1')).toBe('/api/features/visualisations/images/ab.png');
    expect(visualisationImageUrl('/api/features/datasets/d/images/a.png')).toBeUndefined();
    expect(visualisationImageUrl('javascript:alert(1)')).toBeUndefined();
    expect(visualisationImageUrl(undefined)).toBeUndefined();
    expect(visualisationImageUrl('')).toBeUndefined();
  });
});
