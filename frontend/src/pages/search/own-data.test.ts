import { describe, expect, it } from 'vitest';
import { archivePaths, labelProblem, nameProblem, resultHeadline, sortFiles, suggestName } from './own-data';

const file = (name: string, type = '') => ({ name, type, size: 1 });

describe('sorting picked files', () => {
  it('tells zips, images and the rest apart by extension or type', () => {
    const s = sortFiles([file('photos.ZIP'), file('a.jpg'), file('b.JPEG'), file('c', 'image/png'), file('d.tiff'), file('notes.txt', 'text/plain'), file('.DS_Store'), file('x', 'application/x-zip-compressed')]);
    expect(s.archives.map((f) => f.name)).toEqual(['photos.ZIP', 'x']);
    expect(s.images.map((f) => f.name)).toEqual(['a.jpg', 'b.JPEG', 'c', 'd.tiff']);
    expect(s.rejected.map((r) => `${r.file.name}: ${r.reason}`)).toEqual(['notes.txt: not a zip or an image (text/plain)', '.DS_Store: a hidden file']);
  });
});

describe('dataset names and labels', () => {
  it('follows the feature-service rule and knows the taken names', () => {
    expect(nameProblem('my-photos_2.v1')).toBe('');
    expect(nameProblem('')).toMatch(/name/);
    expect(nameProblem('my photos')).toMatch(/letters, digits/);
    expect(nameProblem('..')).toMatch(/another/);
    expect(nameProblem('a'.repeat(65))).toMatch(/64/);
    expect(nameProblem('caltech', ['caltech'])).toMatch(/already/);
    expect(labelProblem('')).toBe('');
    expect(labelProblem('cats')).toBe('');
    expect(labelProblem('cats/dogs')).toMatch(/folder/);
  });

  it('suggests a valid, free name from a file name', () => {
    expect(suggestName('Holiday photos 2024.zip')).toBe('Holiday-photos-2024');
    expect(suggestName('café.zip')).toBe('cafe');
    expect(suggestName('---.zip')).toBe('my-images');
    expect(suggestName('photos.zip', ['photos', 'photos-2'])).toBe('photos-3');
  });
});

describe('loose images in an archive', () => {
  it('go into the label folder, duplicate names numbered', () => {
    expect(archivePaths(['a.jpg', 'b.png', 'A.jpg', 'a.jpg'], 'cats')).toEqual(['cats/a.jpg', 'cats/b.png', 'cats/A-2.jpg', 'cats/a-3.jpg']);
    expect(archivePaths(['dir\\x.gif', 'noext'], '')).toEqual(['x.gif', 'noext']);
  });
});

describe('import results', () => {
  it('says what was imported and how many were skipped', () => {
    expect(resultHeadline({ id: 'p', imported: 30, skipped: [] }, 'p', false)).toBe("Imported 30 images into 'p'.");
    expect(resultHeadline({ id: 'p', imported: 1, skipped: [{ name: 'x.txt', reason: 'not an image' }] }, 'p', true)).toBe("Added 1 image to 'p'. 1 file was skipped:");
  });
});
