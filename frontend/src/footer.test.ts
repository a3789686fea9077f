import { describe, expect, it } from 'vitest';
import { deviceName, inferenceFacts } from './footer';

const CPU = {
  device: 'cpu',
  requestedDevice: 'auto',
  deviceReason: 'auto: no CUDA execution provider in this build (onnxruntime CPU package)',
  executionProviders: ['CPUExecutionProvider'],
  onnxRuntimeVersion: '1.23.2',
  batchSize: 16,
  decodeThreads: 2,
  inferenceThreads: 2,
};

describe('the footer', () => {
  it('names the device as people say it', () => {
    expect(deviceName('cpu')).toBe('CPU');
    expect(deviceName('cuda:0')).toBe('GPU cuda:0');
    expect(deviceName('cuda')).toBe('GPU cuda');
    expect(deviceName('rocm:1')).toBe('rocm:1');
  });

  it('says where models run, with what, in what batches, and why there', () => {
    expect(inferenceFacts(CPU).map((f) => f.text)).toEqual([
      'Models run on CPU (asked for auto)',
      'CPUExecutionProvider',
      'batch 16',
      '2 decode + 2 inference threads',
      'ONNX Runtime 1.23.2',
      'auto: no CUDA execution provider in this build (onnxruntime CPU package)',
    ]);
    expect(inferenceFacts(CPU).at(-1)!.title).toBe(CPU.deviceReason);
  });

  it('does not repeat a device that was asked for as it is', () => {
    const gpu = { ...CPU, device: 'cuda:1', requestedDevice: 'cuda:1', deviceReason: 'configured: cuda:1', executionProviders: ['CUDAExecutionProvider', 'CPUExecutionProvider'], batchSize: 64, decodeThreads: 8 };
    expect(inferenceFacts(gpu).map((f) => f.text).slice(0, 4)).toEqual(['Models run on GPU cuda:1', 'CUDAExecutionProvider, CPUExecutionProvider', 'batch 64', '8 decode + 2 inference threads']);
  });

  it('leaves out what the service does not report, and says nothing for nothing', () => {
    expect(inferenceFacts({ device: 'cpu', inferenceThreads: 4 }).map((f) => f.text)).toEqual(['Models run on CPU', '4 inference threads']);
    expect(inferenceFacts({})).toEqual([]);
    expect(inferenceFacts({ executionProviders: [] })).toEqual([]);
  });
});
