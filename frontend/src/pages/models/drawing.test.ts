import { describe, expect, it } from 'vitest';
import {
  DEFAULT_STEPS,
  cellsByChannel,
  drawingText,
  overviewChannels,
  overviewText,
  parseSeed,
  parseSteps,
  pictureAlt,
  plannedChannels,
  previewDue,
  previewStep,
  stepFraction,
} from './drawing';

describe('the picture so far', () => {
  it('is fetched once per block of 16 steps, and once more at the last step', () => {
    expect(previewDue(undefined, 0, 256)).toBe(false); // nothing drawn yet
    expect(previewDue(undefined, 3, 256)).toBe(true); // the first one the job offers
    expect(previewDue(16, 17, 256)).toBe(false);
    expect(previewDue(16, 31, 256)).toBe(false);
    expect(previewDue(16, 32, 256)).toBe(true);
    expect(previewDue(20, 70, 256)).toBe(true); // several blocks skipped while polling
    expect(previewDue(240, 250, 250)).toBe(true); // the last step is drawn even off the grid of 16
    expect(previewDue(250, 250, 250)).toBe(false);
    expect(previewDue(0, 8, 32, 4)).toBe(true);
  });

  it('names the step the picture so far was rendered at', () => {
    expect(previewStep(16, 512)).toBe(16);
    expect(previewStep(73, 512)).toBe(64); // polled after step 64's picture, before step 80's
    expect(previewStep(511, 512)).toBe(496);
    expect(previewStep(250, 250)).toBe(250); // the last step is rendered even off the grid of 16
    expect(previewStep(5, 512)).toBe(5); // never claims step 0
  });

  it('follows the steps of a job', () => {
    // Polls of a 64-step drawing: the previews fetched are those a person could see change.
    const polled = [0, 2, 9, 15, 16, 20, 33, 40, 47, 48, 63, 64];
    let shown: number | undefined;
    const fetched: number[] = [];
    for (const done of polled) {
      if (previewDue(shown, done, 64)) {
        fetched.push(done);
        shown = done;
      }
    }
    expect(fetched).toEqual([2, 16, 33, 48, 64]);
  });
});

describe('steps in a link', () => {
  it('reads only the steps offered, and the default as no steps', () => {
    expect(parseSteps('32')).toBe(32);
    expect(parseSteps('512')).toBe(512);
    expect(parseSteps(String(DEFAULT_STEPS))).toBeUndefined();
    for (const bad of ['', '0', '33', '-32', '1024', '32.0', 'x', null, undefined]) expect(parseSteps(bad)).toBeUndefined();
  });

  it('reads a seed: a whole number up to 9 digits', () => {
    expect(parseSeed('0')).toBe(0);
    expect(parseSeed(' 417 ')).toBe(417);
    expect(parseSeed('999999999')).toBe(999999999);
    for (const bad of ['', '-1', '1.5', '1e3', '1234567890', 'seed', null, undefined]) expect(parseSeed(bad)).toBeUndefined();
  });
});

describe('what a drawing says', () => {
  it('names the step while it runs and how it ended', () => {
    expect(drawingText({ state: 'queued', done: 0, total: 0 })).toMatch(/^waiting for the drawing worker/);
    expect(drawingText({ state: 'running', done: 0, total: 0, message: 'loading the gradient graph of m at l' })).toBe('loading the gradient graph of m at l');
    expect(drawingText({ state: 'running', done: 48, total: 256 })).toBe('step 48 of 256');
    expect(drawingText({ state: 'succeeded', done: 32, total: 32, result: { steps: 32, seconds: 4.08, activation: 2.6884 } })).toBe('32 steps, drawn in 4.1 s · mean activation 2.69');
    expect(drawingText({ state: 'succeeded', done: 256, total: 256, result: { steps: 256, seconds: 0, activation: 3.1 } })).toBe('256 steps, from the cache · mean activation 3.10');
    expect(drawingText({ state: 'cancelled', done: 5, total: 32 })).toBe('cancelled');
    expect(drawingText({ state: 'failed', error: { detail: "no gradient rule for operator 'Foo' (node n1)" } })).toBe("no gradient rule for operator 'Foo' (node n1)");
    expect(drawingText({ state: 'failed' })).toBe('the drawing failed');
  });

  it('says when the channel never responded (nothing to climb), and copes with a null activation', () => {
    expect(drawingText({ state: 'succeeded', result: { steps: 32, seconds: 1.2, activation: 0 } })).toBe(
      '32 steps, drawn in 1.2 s · mean activation 0.00: the channel never responded, so there was no gradient to follow',
    );
    expect(drawingText({ state: 'succeeded', result: { steps: 32, seconds: 1.2, activation: null as unknown as number } })).toBe('32 steps, drawn in 1.2 s');
  });

  it('measures the fraction done', () => {
    expect(stepFraction({ progress: 0.25 })).toBe(0.25);
    expect(stepFraction({ progress: 1.5 })).toBe(1);
    expect(stepFraction({ done: 16, total: 64 })).toBe(0.25);
    expect(stepFraction({})).toBe(0);
  });

  it('names the channel, layer and model in the alt text, and the steps while drawing', () => {
    expect(pictureAlt('mobilenet_v1_0.25_128', 'Conv2d_5_depthwise', 9)).toBe('What channel 9 of Conv2d_5_depthwise (mobilenet_v1_0.25_128) draws');
    expect(pictureAlt('m', 'l', 9, { done: 48, total: 256 })).toBe('What channel 9 of l (m) draws, so far: 48 of 256 steps');
    expect(pictureAlt('m', 'l', 9, { done: 256, total: 256 })).toBe('What channel 9 of l (m) draws');
  });
});

describe('the layer overview', () => {
  const ranked = [32, 9, 38, 29, 13, 54, 44, 6, 51, 20];

  it('asks for the strongest channels of the image, or the first N of the layer', () => {
    expect(overviewChannels('strongest', 4, ranked, 64)).toEqual({ channels: [32, 9, 38, 29] });
    expect(overviewChannels('strongest', 16, ranked, 64)).toEqual({ channels: ranked });
    expect(overviewChannels('strongest', 16, [], 64)).toEqual({ channels: [] });
    expect(overviewChannels('first', 16, ranked, 64)).toEqual({ first: 16 });
    expect(overviewChannels('first', 16, ranked, 8)).toEqual({ first: 8 });
    expect(overviewChannels('first', 16, ranked, undefined)).toEqual({ first: 16 });
  });

  it('reserves a cell per channel before the service answers', () => {
    expect(plannedChannels({ channels: [7, 3, 7, 12] })).toEqual([7, 3, 12]); // the service draws a repeated channel once
    expect(plannedChannels({ first: 4 })).toEqual([0, 1, 2, 3]);
  });

  it('reads the cells by channel (null pictures included)', () => {
    const cells = cellsByChannel([
      { channel: 0, state: 'done', image: '/api/features/visualisations/images/63eb331dee24b3d6417e58fdb4a936ee.png', activation: 1.42 },
      { channel: 3, state: 'drawing', image: null as unknown as undefined },
      { state: 'pending' },
    ]);
    expect([...cells.keys()]).toEqual([0, 3]);
    expect(cells.get(3)?.state).toBe('drawing');
  });

  it('says how far the grid is', () => {
    const result = { done: 3, total: 6, steps: 32 };
    expect(overviewText({ state: 'queued', result: { done: 0, total: 6 } })).toBe('0 of 6 drawn · waiting for the overview worker…');
    expect(overviewText({ state: 'running', message: 'channel 3 (4 of 6): step 27 of 32', result })).toBe('3 of 6 drawn · channel 3 (4 of 6): step 27 of 32');
    expect(overviewText({ state: 'succeeded', result: { done: 6, total: 6, steps: 32 } })).toBe('6 of 6 drawn at 32 steps each');
    expect(overviewText({ state: 'cancelled', result })).toBe('3 of 6 drawn; cancelled');
    expect(overviewText({ state: 'failed', error: { detail: 'boom' }, result })).toBe('3 of 6 drawn; boom');
    expect(overviewText({ state: 'running' })).toBe('0 of 0 drawn');
  });
});
