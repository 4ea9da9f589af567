import { compileEventPattern, InvalidEventPatternError, matchesEventPattern } from '../../../local/eventbridge/event-pattern';

// Example events of the EventBridge User Guide ("Amazon EventBridge events" and
// "content filtering in event patterns").
const ec2StateChange = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

const autoscalingLaunch = {
  version: '0',
  id: '3e3c153a-8339-4e30-8c35-687ebef853fe',
  'detail-type': 'EC2 Instance Launch Successful',
  source: 'aws.autoscaling',
  account: '123456789012',
  time: '2015-11-11T21:31:47Z',
  region: 'us-east-1',
  resources: [],
  detail: { eventVersion: '', responseElements: null },
};

const multiResource = {
  ...ec2StateChange,
  resources: [
    'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
    'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
    'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
  ],
};

const counts = { ...ec2StateChange, detail: { 'c-count': 5, 'd-count': 7, 'x-limit': 301.8, sourceIPAddress: '10.0.0.255' } };

function matches(pattern: Record<string, unknown>, event: unknown): boolean {
  return matchesEventPattern(pattern, event);
}

describe('event pattern exact matching', () => {
  test('source and detail state match', () => {
    expect(matches({ source: ['aws.ec2'], detail: { state: ['terminated'] } }, ec2StateChange)).toBe(true);
  });

  test('any value in the list matches', () => {
    expect(matches({ detail: { state: ['running', 'terminated'] } }, ec2StateChange)).toBe(true);
  });

  test('different value does not match', () => {
    expect(matches({ detail: { state: ['running'] } }, ec2StateChange)).toBe(false);
  });

  test('matching is case sensitive', () => {
    expect(matches({ detail: { state: ['Terminated'] } }, ec2StateChange)).toBe(false);
  });

  test('every field must match', () => {
    expect(matches({ source: ['aws.ec2'], 'detail-type': ['Other'] }, ec2StateChange)).toBe(false);
  });

  test('missing field does not match', () => {
    expect(matches({ detail: { 'c-count': ['5'] } }, ec2StateChange)).toBe(false);
  });

  test('string does not match number', () => {
    expect(matches({ detail: { 'c-count': ['5'] } }, counts)).toBe(false);
    expect(matches({ detail: { 'c-count': [5] } }, counts)).toBe(true);
  });

  test('boolean values match', () => {
    const event = { detail: { enabled: true } };
    expect(matches({ detail: { enabled: [true] } }, event)).toBe(true);
    expect(matches({ detail: { enabled: [false] } }, event)).toBe(false);
  });
});

describe('event pattern null and empty string', () => {
  test('empty string matches empty string', () => {
    expect(matches({ detail: { eventVersion: [''] } }, autoscalingLaunch)).toBe(true);
  });

  test('null matches null', () => {
    expect(matches({ detail: { responseElements: [null] } }, autoscalingLaunch)).toBe(true);
  });

  test('null does not match a missing field', () => {
    expect(matches({ detail: { errorCode: [null] } }, autoscalingLaunch)).toBe(false);
  });

  test('empty string does not match null', () => {
    expect(matches({ detail: { responseElements: [''] } }, autoscalingLaunch)).toBe(false);
  });

  test('null does not match empty string', () => {
    expect(matches({ detail: { eventVersion: [null] } }, autoscalingLaunch)).toBe(false);
  });
});

describe('event pattern arrays in the event', () => {
  test('any resource in the list matches', () => {
    const pattern = {
      resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f', 'arn:aws:ec2:us-east-1:999999999999:instance/i-00000000'],
    };
    expect(matches(pattern, multiResource)).toBe(true);
  });

  test('no element in common does not match', () => {
    expect(matches({ resources: ['arn:aws:ec2:us-east-1:999999999999:instance/i-00000000'] }, multiResource)).toBe(false);
  });

  test('empty event array matches nothing', () => {
    expect(matches({ resources: [{ prefix: '' }] }, autoscalingLaunch)).toBe(false);
  });

  test('filter applies to each element', () => {
    expect(matches({ resources: [{ suffix: ':444455556666:instance/i-b188560f' }] }, multiResource)).toBe(true);
  });

  test('nested pattern matches an element of an object array', () => {
    const event = { detail: { items: [{ sku: 'a', quantity: 1 }, { sku: 'b', quantity: 9 }] } };
    expect(matches({ detail: { items: { sku: ['b'], quantity: [{ numeric: ['>', 5] }] } } }, event)).toBe(true);
  });

  test('nested fields must match the same element', () => {
    const event = { detail: { items: [{ sku: 'a', quantity: 9 }, { sku: 'b', quantity: 1 }] } };
    expect(matches({ detail: { items: { sku: ['b'], quantity: [{ numeric: ['>', 5] }] } } }, event)).toBe(false);
  });
});

describe('event pattern nested objects', () => {
  test('deep field matches', () => {
    const event = { detail: { requestParameters: { bucket: { name: 'logs' } } } };
    expect(matches({ detail: { requestParameters: { bucket: { name: ['logs'] } } } }, event)).toBe(true);
  });

  test('object value does not match a leaf value', () => {
    const event = { detail: { requestParameters: { bucket: 'logs' } } };
    expect(matches({ detail: { requestParameters: ['logs'] } }, event)).toBe(false);
  });

  test('scalar value has no nested fields', () => {
    expect(matches({ detail: { state: { name: ['terminated'] } } }, ec2StateChange)).toBe(false);
  });
});

describe('event pattern prefix and suffix', () => {
  test('prefix matches the start', () => {
    expect(matches({ region: [{ prefix: 'us-' }] }, ec2StateChange)).toBe(true);
    expect(matches({ region: [{ prefix: 'eu-' }] }, ec2StateChange)).toBe(false);
  });

  test('prefix ignoring case', () => {
    expect(matches({ source: [{ prefix: { 'equals-ignore-case': 'AWS.E' } }] }, ec2StateChange)).toBe(true);
    expect(matches({ source: [{ prefix: 'AWS.E' }] }, ec2StateChange)).toBe(false);
  });

  test('suffix matches the end', () => {
    expect(matches({ detail: { FileName: [{ suffix: '.png' }] } }, { detail: { FileName: 'photo.png' } })).toBe(true);
    expect(matches({ detail: { FileName: [{ suffix: '.png' }] } }, { detail: { FileName: 'photo.jpg' } })).toBe(false);
  });

  test('suffix ignoring case', () => {
    const event = { detail: { service: 'EventBridge' } };
    expect(matches({ detail: { service: [{ suffix: { 'equals-ignore-case': 'tBRIDGE' } }] } }, event)).toBe(true);
  });

  test('prefix never matches a number', () => {
    expect(matches({ detail: { 'c-count': [{ prefix: '5' }] } }, counts)).toBe(false);
  });
});

describe('event pattern equals-ignore-case', () => {
  test('matches any casing', () => {
    expect(matches({ detail: { state: [{ 'equals-ignore-case': 'TERMINATED' }] } }, ec2StateChange)).toBe(true);
  });

  test('rejects a different value', () => {
    expect(matches({ detail: { state: [{ 'equals-ignore-case': 'TERMINATE' }] } }, ec2StateChange)).toBe(false);
  });
});

describe('event pattern anything-but', () => {
  test('single value', () => {
    expect(matches({ detail: { state: [{ 'anything-but': 'initializing' }] } }, ec2StateChange)).toBe(true);
    expect(matches({ detail: { state: [{ 'anything-but': 'terminated' }] } }, ec2StateChange)).toBe(false);
  });

  test('list of values', () => {
    expect(matches({ detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } }, ec2StateChange)).toBe(true);
    expect(matches({ detail: { state: [{ 'anything-but': ['stopped', 'terminated'] }] } }, ec2StateChange)).toBe(false);
  });

  test('list of numbers', () => {
    expect(matches({ detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } }, counts)).toBe(true);
    expect(matches({ detail: { 'c-count': [{ 'anything-but': [5] }] } }, counts)).toBe(false);
  });

  test('prefix', () => {
    expect(matches({ region: [{ 'anything-but': { prefix: 'us-' } }] }, ec2StateChange)).toBe(false);
    expect(matches({ region: [{ 'anything-but': { prefix: 'eu-' } }] }, ec2StateChange)).toBe(true);
  });

  test('suffix', () => {
    const event = { detail: { FileName: 'photo.png' } };
    expect(matches({ detail: { FileName: [{ 'anything-but': { suffix: '.png' } }] } }, event)).toBe(false);
    expect(matches({ detail: { FileName: [{ 'anything-but': { suffix: '.jpg' } }] } }, event)).toBe(true);
  });

  test('equals-ignore-case', () => {
    const event = { detail: { state: 'INITIALIZING' } };
    expect(matches({ detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] } }, event)).toBe(false);
    expect(matches({ detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['running', 'stopped'] } }] } }, event)).toBe(true);
  });

  test('wildcard', () => {
    const pattern = { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } };
    expect(matches(pattern, { detail: { FilePath: '/usr/lib/node' } })).toBe(false);
    expect(matches(pattern, { detail: { FilePath: '/usr/bin/node' } })).toBe(true);
  });

  test('missing field does not match', () => {
    expect(matches({ detail: { phase: [{ 'anything-but': 'initializing' }] } }, ec2StateChange)).toBe(false);
  });
});

describe('event pattern numeric', () => {
  test('documented range example matches', () => {
    const pattern = {
      detail: {
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ numeric: ['=', 3.018e2] }],
      },
    };
    expect(matches(pattern, counts)).toBe(true);
  });

  test('bounds are exclusive or inclusive as written', () => {
    expect(matches({ detail: { 'c-count': [{ numeric: ['>', 0, '<', 5] }] } }, counts)).toBe(false);
    expect(matches({ detail: { 'c-count': [{ numeric: ['>=', 5, '<', 6] }] } }, counts)).toBe(true);
    expect(matches({ detail: { 'c-count': [{ numeric: ['>', 5] }] } }, counts)).toBe(false);
  });

  test('numeric never matches a string', () => {
    expect(matches({ detail: { 'c-count': [{ numeric: ['=', 5] }] } }, { detail: { 'c-count': '5' } })).toBe(false);
  });
});

describe('event pattern exists', () => {
  test('exists true matches a present field', () => {
    expect(matches({ detail: { state: [{ exists: true }] } }, ec2StateChange)).toBe(true);
  });

  test('exists true fails on a missing field', () => {
    expect(matches({ detail: { 'c-count': [{ exists: true }] } }, ec2StateChange)).toBe(false);
  });

  test('exists false matches a missing field', () => {
    expect(matches({ detail: { 'c-count': [{ exists: false }] } }, ec2StateChange)).toBe(true);
  });

  test('exists false fails on a present field', () => {
    expect(matches({ detail: { state: [{ exists: false }] } }, ec2StateChange)).toBe(false);
  });

  test('exists true matches a null value', () => {
    expect(matches({ detail: { responseElements: [{ exists: true }] } }, autoscalingLaunch)).toBe(true);
  });

  test('exists works on leaf nodes only', () => {
    expect(matches({ detail: [{ exists: true }] }, ec2StateChange)).toBe(false);
  });

  test('exists false under a missing parent', () => {
    expect(matches({ detail: { nested: { field: [{ exists: false }] } } }, ec2StateChange)).toBe(true);
  });
});

describe('event pattern wildcard', () => {
  test('documented folder example', () => {
    const pattern = { detail: { FileName: [{ wildcard: 'dir/*.png' }] } };
    expect(matches(pattern, { detail: { FileName: 'dir/photo.png' } })).toBe(true);
    expect(matches(pattern, { detail: { FileName: 'dir/sub/photo.png' } })).toBe(true);
    expect(matches(pattern, { detail: { FileName: 'other/photo.png' } })).toBe(false);
    expect(matches(pattern, { detail: { FileName: 'dir/photo.jpg' } })).toBe(false);
  });

  test('escaped star is literal', () => {
    const pattern = { detail: { name: [{ wildcard: 'a\\*b' }] } };
    expect(matches(pattern, { detail: { name: 'a*b' } })).toBe(true);
    expect(matches(pattern, { detail: { name: 'axb' } })).toBe(false);
  });

  test('regex characters are literal', () => {
    const pattern = { detail: { name: [{ wildcard: 'a.b(*)' }] } };
    expect(matches(pattern, { detail: { name: 'a.b(x)' } })).toBe(true);
    expect(matches(pattern, { detail: { name: 'aXb(x)' } })).toBe(false);
  });
});

describe('event pattern cidr', () => {
  test('address inside the block matches', () => {
    expect(matches({ detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } }, counts)).toBe(true);
  });

  test('address outside the block does not match', () => {
    expect(matches({ detail: { sourceIPAddress: [{ cidr: '10.0.1.0/24' }] } }, counts)).toBe(false);
  });

  test('IPv6 block', () => {
    const event = { detail: { sourceIPAddress: '2001:db8::1' } };
    expect(matches({ detail: { sourceIPAddress: [{ cidr: '2001:db8::/32' }] } }, event)).toBe(true);
    expect(matches({ detail: { sourceIPAddress: [{ cidr: '10.0.0.0/8' }] } }, event)).toBe(false);
  });
});

describe('event pattern $or', () => {
  test('either alternative matches', () => {
    const pattern = { $or: [{ detail: { state: ['running'] } }, { source: ['aws.ec2'] }] };
    expect(matches(pattern, ec2StateChange)).toBe(true);
  });

  test('no alternative matches', () => {
    const pattern = { $or: [{ detail: { state: ['running'] } }, { source: ['aws.s3'] }] };
    expect(matches(pattern, ec2StateChange)).toBe(false);
  });

  test('combines with sibling fields', () => {
    const pattern = { source: ['aws.ec2'], detail: { $or: [{ state: ['terminated'] }, { 'c-count': [{ numeric: ['>', 0] }] }] } };
    expect(matches(pattern, ec2StateChange)).toBe(true);
    expect(matches({ ...pattern, source: ['aws.s3'] }, ec2StateChange)).toBe(false);
  });

  test('documented multi-field example', () => {
    const pattern = { detail: { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] } };
    expect(matches(pattern, { detail: { Location: 'Paris', Day: 'Monday' } })).toBe(true);
    expect(matches(pattern, { detail: { Location: 'Paris', Day: 'Tuesday' } })).toBe(false);
  });
});

describe('event pattern validation', () => {
  const invalid: Array<[string, unknown, string]> = [
    ['not an object', ['aws.ec2'], 'must be a JSON object'],
    ['empty pattern', {}, 'at least one field'],
    ['scalar leaf', { source: 'aws.ec2' }, 'source'],
    ['empty leaf array', { source: [] }, 'at least one value'],
    ['unknown filter', { source: [{ contains: 'ec2' }] }, '"contains" is not a content filter'],
    ['two keys in a filter', { source: [{ prefix: 'a', suffix: 'b' }] }, 'exactly one key'],
    ['numeric without bound', { detail: { n: [{ numeric: ['>'] }] } }, 'detail.n[0]'],
    ['numeric inverted range', { detail: { n: [{ numeric: ['>', 10, '<', 5] }] } }, 'lower bound below'],
    ['numeric two lower bounds', { detail: { n: [{ numeric: ['>', 1, '>=', 5] }] } }, 'one lower bound'],
    ['numeric unknown operator', { detail: { n: [{ numeric: ['!=', 1] }] } }, 'not one of'],
    ['numeric out of range', { detail: { n: [{ numeric: ['<', 6e9] }] } }, '-5e9 to 5e9'],
    ['exists not boolean', { detail: { n: [{ exists: 'yes' }] } }, 'true or false'],
    ['anything-but mixed list', { detail: { n: [{ 'anything-but': ['a', 1] }] } }, 'only strings or only numbers'],
    ['anything-but numeric filter', { detail: { n: [{ 'anything-but': { numeric: ['>', 1] } }] } }, 'cannot contain "numeric"'],
    ['wildcard double star', { detail: { n: [{ wildcard: 'a**b' }] } }, 'consecutive'],
    ['wildcard bad escape', { detail: { n: [{ wildcard: 'a\\b' }] } }, 'invalid escape'],
    ['cidr not a block', { detail: { n: [{ cidr: '10.0.0.0' }] } }, 'cidr must be'],
    ['cidr prefix too long', { detail: { n: [{ cidr: '10.0.0.0/33' }] } }, 'cidr must be'],
    ['$or not an array', { $or: { source: ['a'] } }, '$or'],
    ['$or with a scalar', { $or: [{ source: ['a'] }, 'b'] }, '$or[1]'],
    ['prefix with a number', { source: [{ prefix: 5 }] }, 'prefix must be'],
  ];

  test.each(invalid)('rejects %s', (_name, pattern, expected) => {
    expect(() => compileEventPattern(pattern)).toThrow(InvalidEventPatternError);
    expect(() => compileEventPattern(pattern)).toThrow(expected);
  });

  test('error names the path', () => {
    expect(() => compileEventPattern({ detail: { state: ['ok', { numeric: ['>'] }] } })).toThrow('at detail.state[1]');
  });
});
