import { DEFAULT_WAVE_SPEC, MAX_WAVES, WaveSpecError, assignWaves, parseWaveSpec } from '../../lambdas/control-plane/rollout/wave-spec';

const tenants = (count: number) => Array.from({ length: count }, (_, index) => ({ tenantId: `t${String(index).padStart(3, '0')}` }));
const ids = (waves: { tenantId: string }[][]) => waves.map((wave) => wave.map((tenant) => tenant.tenantId));

describe('parseWaveSpec', () => {
  test('default spec parses', () => {
    expect(parseWaveSpec(DEFAULT_WAVE_SPEC)).toEqual([
      { kind: 'count', count: 1, canary: true },
      { kind: 'percent', percent: 25 },
      { kind: 'percent', percent: 100 },
    ]);
  });

  test('spaces around entries are ignored', () => {
    expect(parseWaveSpec(' 2 , 100% ')).toEqual([
      { kind: 'count', count: 2, canary: false },
      { kind: 'percent', percent: 100 },
    ]);
  });

  test.each([
    ['', 'empty entry'],
    ['canary:1,,100%', 'empty entry'],
    ['canary:1,25%', 'must end with 100%'],
    ['10', 'must end with 100%'],
    ['50%,canary:1,100%', 'may only be the first entry'],
    ['canary:0,100%', 'at least 1 tenant'],
    ['0,100%', 'at least 1 tenant'],
    ['50%,25%,100%', 'larger than the percentage before it'],
    ['5,5,100%', 'larger than the count before it'],
    ['150%', 'at most 100'],
    ['0%,100%', 'greater than 0'],
    ['half,100%', 'is not canary:N'],
    ['-1,100%', 'is not canary:N'],
    ['canary:x,100%', 'is not canary:N'],
    [`${Array.from({ length: MAX_WAVES }, (_, i) => `${i + 1}`).join(',')},100%`, `at most ${MAX_WAVES}`],
  ])('spec %j is rejected (%s)', (spec, message) => {
    expect(() => parseWaveSpec(spec)).toThrow(WaveSpecError);
    expect(() => parseWaveSpec(spec)).toThrow(message);
  });
});

describe('assignWaves', () => {
  test('canary then cumulative percentages', () => {
    const waves = assignWaves(tenants(12), parseWaveSpec('canary:1,25%,100%'));
    expect(waves.map((wave) => wave.length)).toEqual([1, 2, 9]);
    expect(ids(waves).flat()).toEqual(ids([tenants(12)]).flat());
  });

  test('percentages round up', () => {
    expect(assignWaves(tenants(10), parseWaveSpec('33%,66%,100%')).map((wave) => wave.length)).toEqual([4, 3, 3]);
  });

  test('empty waves are dropped on a small fleet', () => {
    expect(assignWaves(tenants(1), parseWaveSpec('canary:1,25%,100%')).map((wave) => wave.length)).toEqual([1]);
    expect(assignWaves(tenants(0), parseWaveSpec('canary:1,100%'))).toEqual([]);
  });

  test('count beyond the fleet takes every tenant', () => {
    expect(assignWaves(tenants(3), parseWaveSpec('canary:5,100%')).map((wave) => wave.length)).toEqual([3]);
  });

  test('smaller later target adds nobody', () => {
    expect(assignWaves(tenants(10), parseWaveSpec('50%,3,100%')).map((wave) => wave.length)).toEqual([5, 5]);
  });

  test('fixed waves from the registry', () => {
    const fleet = [
      { tenantId: 'a001', wave: 2 },
      { tenantId: 'a002' },
      { tenantId: 'a003', wave: 4 },
      { tenantId: 'a004' },
      { tenantId: 'a005', wave: 1 },
    ];
    expect(ids(assignWaves(fleet, parseWaveSpec('canary:1,100%')))).toEqual([['a005', 'a002'], ['a001', 'a004'], ['a003']]);
  });

  test.each([[0], [1.5], [MAX_WAVES + 1], ['2'], [true]])('fixed wave %j is rejected', (wave) => {
    expect(() => assignWaves([{ tenantId: 'bad1', wave }], parseWaveSpec('100%'))).toThrow('tenant bad1 has wave');
  });

  test('null wave counts as unset', () => {
    expect(ids(assignWaves([{ tenantId: 'n001', wave: null }], parseWaveSpec('100%')))).toEqual([['n001']]);
  });
});
