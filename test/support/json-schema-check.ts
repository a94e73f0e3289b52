/**
 * A minimal JSON Schema (draft-07) validator for the keywords the generated
 * schemas use. Any keyword it does not know is an error, so nothing in a
 * schema is silently ignored: if the generator starts emitting a new keyword,
 * the tests say so instead of passing vacuously.
 */

type Schema = boolean | Record<string, unknown>;

export interface SchemaError {
  path: string;
  message: string;
}

const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description', 'default', 'examples', 'definitions', '$defs', '$comment']);
const KEYWORDS = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'propertyNames',
  'items',
  'additionalItems',
  'minItems',
  'maxItems',
  'enum',
  'const',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'anyOf',
  'oneOf',
  'allOf',
  'not',
  'if',
  'then',
  'else',
  '$ref',
]);

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

const matchesType = (v: unknown, t: string): boolean => {
  const actual = typeOf(v);
  return actual === t || (t === 'number' && actual === 'integer');
};

const deepEqual = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export function validate(root: Schema, value: unknown): SchemaError[] {
  const errors: SchemaError[] = [];
  check(root, root, value, '', errors);
  return errors;
}

function resolve(root: Schema, ref: string): Schema {
  if (ref === '#') return root;
  const m = /^#\/(definitions|\$defs)\/(.+)$/.exec(ref);
  if (!m || typeof root !== 'object') throw new Error(`unsupported $ref ${ref}`);
  const defs = root[m[1] as string] as Record<string, Schema> | undefined;
  const target = defs?.[decodeURIComponent(m[2] as string)];
  if (target === undefined) throw new Error(`unresolved $ref ${ref}`);
  return target;
}

function check(root: Schema, schema: Schema, value: unknown, path: string, errors: SchemaError[]): void {
  if (schema === true) return;
  if (schema === false) {
    errors.push({ path, message: 'no value is allowed here' });
    return;
  }
  for (const key of Object.keys(schema)) {
    if (!KEYWORDS.has(key) && !ANNOTATIONS.has(key)) throw new Error(`the validator does not know the keyword "${key}" (at ${path || '/'})`);
  }
  const fail = (message: string) => errors.push({ path, message });
  if (schema.$ref !== undefined) check(root, resolve(root, schema.$ref as string), value, path, errors);
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((t) => matchesType(value, t))) {
      fail(`expected ${types.join(' or ')}, found ${typeOf(value)}`);
      return;
    }
  }
  if (schema.enum !== undefined && !(schema.enum as unknown[]).some((e) => deepEqual(e, value))) fail(`expected one of ${JSON.stringify(schema.enum)}`);
  if (schema.const !== undefined && !deepEqual(schema.const, value)) fail(`expected ${JSON.stringify(schema.const)}`);
  if (typeof value === 'string') {
    const length = [...value].length;
    if (schema.pattern !== undefined && !new RegExp(schema.pattern as string, 'u').test(value)) fail(`does not match ${String(schema.pattern)}`);
    if (schema.minLength !== undefined && length < (schema.minLength as number)) fail(`shorter than ${String(schema.minLength)}`);
    if (schema.maxLength !== undefined && length > (schema.maxLength as number)) fail(`longer than ${String(schema.maxLength)}`);
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < (schema.minimum as number)) fail(`less than ${String(schema.minimum)}`);
    if (schema.maximum !== undefined && value > (schema.maximum as number)) fail(`more than ${String(schema.maximum)}`);
    if (schema.exclusiveMinimum !== undefined && value <= (schema.exclusiveMinimum as number)) fail(`not more than ${String(schema.exclusiveMinimum)}`);
    if (schema.exclusiveMaximum !== undefined && value >= (schema.exclusiveMaximum as number)) fail(`not less than ${String(schema.exclusiveMaximum)}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < (schema.minItems as number)) fail(`fewer than ${String(schema.minItems)} items`);
    if (schema.maxItems !== undefined && value.length > (schema.maxItems as number)) fail(`more than ${String(schema.maxItems)} items`);
    if (Array.isArray(schema.items)) {
      const tuple = schema.items as Schema[];
      value.forEach((v, i) => {
        if (i < tuple.length) check(root, tuple[i] as Schema, v, `${path}/${i}`, errors);
        else if (schema.additionalItems !== undefined) check(root, schema.additionalItems as Schema, v, `${path}/${i}`, errors);
      });
    } else if (schema.items !== undefined) {
      value.forEach((v, i) => check(root, schema.items as Schema, v, `${path}/${i}`, errors));
    }
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const key of (schema.required ?? []) as string[]) if (!(key in record)) fail(`missing the key "${key}"`);
    for (const [key, v] of Object.entries(record)) {
      if (schema.propertyNames !== undefined) check(root, schema.propertyNames as Schema, key, `${path}/${key}`, errors);
      if (key in properties) check(root, properties[key] as Schema, v, `${path}/${key}`, errors);
      else if (schema.additionalProperties === false) errors.push({ path: `${path}/${key}`, message: `unknown key "${key}"` });
      else if (schema.additionalProperties !== undefined) check(root, schema.additionalProperties as Schema, v, `${path}/${key}`, errors);
    }
  }
  const branches = (list: Schema[]) => list.map((s) => {
    const e: SchemaError[] = [];
    check(root, s, value, path, e);
    return e;
  });
  if (schema.anyOf !== undefined) {
    const results = branches(schema.anyOf as Schema[]);
    if (!results.some((e) => e.length === 0)) fail(`matches none of anyOf: ${closest(results)}`);
  }
  if (schema.oneOf !== undefined) {
    const results = branches(schema.oneOf as Schema[]);
    const ok = results.filter((e) => e.length === 0).length;
    if (ok !== 1) fail(ok === 0 ? `matches none of oneOf: ${closest(results)}` : `matches ${ok} branches of oneOf`);
  }
  if (schema.allOf !== undefined) for (const e of branches(schema.allOf as Schema[])) errors.push(...e);
  if (schema.not !== undefined && branches([schema.not as Schema])[0]?.length === 0) fail('matches a schema it must not');
  if (schema.if !== undefined) {
    const holds = branches([schema.if as Schema])[0]?.length === 0;
    const next = holds ? schema.then : schema.else;
    if (next !== undefined) check(root, next as Schema, value, path, errors);
  }
}

function closest(results: SchemaError[][]): string {
  const best = [...results].sort((a, b) => a.length - b.length)[0] ?? [];
  return best.map((e) => `${e.path || '/'} ${e.message}`).join('; ');
}
