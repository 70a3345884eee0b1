/**
 * Schema checks of playbook items, in the words an author needs: one message per problem at
 * the field that is wrong, and the valid rest of an item kept so the cross-reference checks
 * can still run on it.
 */
import { z } from 'zod';

/** A schema problem at `path`, relative to the value that was checked. */
export interface SchemaProblem {
  path: PropertyKey[];
  /** Where in the file to point: an unknown field's own key rather than its parent. */
  at: PropertyKey[];
  message: string;
}

/** Checks `value` against `schema`; returns its parsed value or every problem found. */
export function checkSchema<T>(
  schema: z.ZodType<T>,
  value: unknown,
): { ok: true; value: T } | { ok: false; problems: SchemaProblem[] } {
  const parsed = schema.safeParse(value, { reportInput: true });
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, problems: parsed.error.issues.flatMap((issue) => problemsOf(issue, [])) };
}

function problemsOf(issue: z.core.$ZodIssue, base: PropertyKey[]): SchemaProblem[] {
  const path = [...base, ...issue.path];
  if (issue.input === undefined) {
    const message =
      issue.code === 'invalid_type'
        ? `missing required field (expected ${issue.expected})`
        : 'missing required field';
    return [{ path, at: path, message }];
  }
  if (issue.code === 'invalid_union') {
    // Explain the one alternative the value was meant to be, if the value tells which.
    const meant = issue.errors.filter((branch) => !rejectedAtTop(branch));
    if (meant.length === 1) return meant[0].flatMap((inner) => problemsOf(inner, path));
    return [{ path, at: path, message: issue.message }];
  }
  if (issue.code === 'unrecognized_keys') {
    return [
      {
        path,
        at: [...path, issue.keys[0]],
        message: `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`,
      },
    ];
  }
  return [{ path, at: path, message: issue.message }];
}

/** True when a union alternative failed on the value's type or its keys, not deeper inside. */
function rejectedAtTop(branch: z.core.$ZodIssue[]): boolean {
  const top = branch.filter((issue) => issue.path.length === 0);
  return (
    top.some((issue) => issue.code === 'unrecognized_keys') ||
    (top.length === branch.length &&
      top.every((issue) => issue.code === 'invalid_type' || issue.code === 'invalid_value'))
  );
}

/**
 * The fields of `value` that pass their own part of `schema`, with defaults filled in; a field
 * that fails is left out, an object field keeps its own valid fields, and a list keeps its
 * valid items. Used to check references of an item that has schema problems elsewhere.
 */
export function validParts(schema: z.ZodObject, value: unknown): Record<string, unknown> {
  if (!isRecord(value)) return {};
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    const parsed = field.safeParse(value[key]);
    if (parsed.success) {
      if (parsed.data !== undefined) out[key] = parsed.data;
      continue;
    }
    const inner = unwrap(field);
    if (inner instanceof z.ZodObject) out[key] = validParts(inner, value[key]);
    else if (inner instanceof z.ZodArray && Array.isArray(value[key])) {
      const element = inner.element as z.ZodType;
      out[key] = value[key].flatMap((item: unknown) => {
        const one = element.safeParse(item);
        return one.success ? [one.data] : [];
      });
    }
  }
  return out;
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodOptional)
    return unwrap(schema.unwrap() as z.core.$ZodType);
  return schema;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
