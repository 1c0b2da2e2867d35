// SpecChangeFilter: status-only updates (the operator's own writes) do not cause reconciles; spec,
// annotation, label, finalizer and deletion changes do.
import { describe, expect, it } from 'vitest';
import { SpecChangeFilter } from '../../../src/kube/spec-changes.js';

const obj = (over: Record<string, unknown> = {}, status: unknown = {}) => ({ metadata: { namespace: 'ns', name: 'a', generation: 1, ...over }, status });

describe('SpecChangeFilter', () => {
  it('passes the first sight, spec, annotation, label, finalizer and deletion changes, and deletes', () => {
    const f = new SpecChangeFilter();
    expect(f.changed('RestApi', 'ADDED', obj())).toBe(true);
    expect(f.changed('RestApi', 'MODIFIED', obj({}, { id: 'x' }))).toBe(false);
    expect(f.changed('RestApi', 'MODIFIED', obj({ generation: 2 }))).toBe(true);
    expect(f.changed('RestApi', 'MODIFIED', obj({ generation: 2, annotations: { 'restpath.dev/deploy': 'r2' } }))).toBe(true);
    expect(f.changed('RestApi', 'MODIFIED', obj({ generation: 2, annotations: { 'restpath.dev/deploy': 'r2' }, labels: { a: 'b' } }))).toBe(true);
    expect(f.changed('RestApi', 'MODIFIED', obj({ generation: 2, annotations: { 'restpath.dev/deploy': 'r2' }, labels: { a: 'b' }, finalizers: ['f'] }))).toBe(true);
    expect(f.changed('RestApi', 'MODIFIED', obj({ generation: 2, annotations: { 'restpath.dev/deploy': 'r2' }, labels: { a: 'b' }, finalizers: ['f'], deletionTimestamp: 't' }))).toBe(true);
    expect(f.changed('RestApi', 'DELETED', obj())).toBe(true);
    expect(f.changed('RestApi', 'ADDED', obj())).toBe(true);
  });

  it('keeps kinds and extra inputs apart', () => {
    const f = new SpecChangeFilter();
    expect(f.changed('RestApi', 'ADDED', obj())).toBe(true);
    expect(f.changed('RestPath', 'ADDED', obj())).toBe(true);
    expect(f.changed('plans', 'MODIFIED', obj(), ['id1'])).toBe(true);
    expect(f.changed('plans', 'MODIFIED', obj(), ['id1'])).toBe(false);
    expect(f.changed('plans', 'MODIFIED', obj(), ['id1', ['prod']])).toBe(true);
  });
});
