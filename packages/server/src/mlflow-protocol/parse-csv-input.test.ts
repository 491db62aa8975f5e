import { describe, expect, it } from 'vitest';
import { parseInvocationCsv, splitCsv } from './parse-csv-input.js';
import { parseSignatureView } from './signature-view.js';

describe('parseInvocationCsv', () => {
  it('F6: an empty body is a parse error with a stack trace', () => {
    try {
      parseInvocationCsv('', undefined);
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toContain('Failed to parse input as a Pandas DataFrame');
      expect((error as { details: { extra: { stack_trace: string } } }).details.extra.stack_trace).toBeTypeOf('string');
    }
  });

  it('reads a header row and infers numbers, booleans and strings like pandas', () => {
    const data = parseInvocationCsv('zip,cost,ok\n"95120",10.45,True\nabc,3,False\n', undefined);
    expect(data.kind).toBe('table');
    if (data.kind !== 'table') return;
    expect(Array.from(data.table.data.zip!)).toEqual(['95120', 'abc']);
    expect(Array.from(data.table.data.cost!)).toEqual([10.45, 3]);
    expect(Array.from(data.table.data.ok!)).toEqual([true, false]);
  });

  it('casts to the signature', () => {
    const signature = parseSignatureView({ inputs: JSON.stringify([{ type: 'float', name: 'a' }, { type: 'string', name: 'b' }]) });
    const data = parseInvocationCsv('a,b\n1,2\n', signature?.inputs);
    if (data.kind !== 'table') throw new Error('table expected');
    expect(data.table.data.a).toEqual(new Float32Array([1]));
    expect(data.table.data.b).toEqual(['2']);
  });

  it('handles quotes, doubled quotes and CRLF', () => {
    expect(splitCsv('a,b\r\n"x, ""y""",2\r\n')).toEqual([['a', 'b'], ['x, "y"', '2']]);
  });

  it('rows with the wrong number of fields are refused', () => {
    expect(() => parseInvocationCsv('a,b\n1\n', undefined)).toThrow('Expected 2 fields in line 2, saw 1');
  });
});
