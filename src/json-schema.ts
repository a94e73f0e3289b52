import { z } from 'zod';
import { notCompiled, optionsIssue, optionsProblem, throwProblems } from './api-guards.js';
import { RubricError } from './issues.js';
import type { CompiledRubric, MissingPolicy } from './compile.js';
import { childSchema } from './extends.js';
import type { AnyRuleKind } from './kinds/define.js';
import { bilingual, decimal, fraction, idSchema, nonNegative, positive, rangeSchema, requiresSchema, unitSchema } from './kinds/shared.js';
import { schemasFor } from './registry.js';

/**
 * JSON Schemas for editors (yaml-language-server, VS Code, JetBrains): made
 * by zod's own `z.toJSONSchema` from the very schemas the loader validates
 * with, never written by hand. Decimals and ranges are transforms, so the
 * schemas describe the input side (`io: 'input'`): a decimal is a number or
 * a decimal string, a range is a string. What JSON Schema cannot say (maxima
 * that must add up, bands without gaps, references that exist) is checked
 * by `shequ-rubric validate`.
 *
 * Draft-07 is emitted, the draft editors support most widely.
 */

export type JsonSchema = Record<string, unknown>;

export const RUBRIC_SCHEMA_ID = 'https://unpkg.com/shequ-rubric/schema/rubric.schema.json';

const TARGET = 'draft-07' as const;

type Meta = { id?: string; title?: string; description?: string };

export interface RubricJsonSchemaOptions {
  /** Rule kinds of the user's own, beside the built-in ones: their items are described too. */
  kinds?: readonly AnyRuleKind[];
}

/** The JSON Schema of the rubric format (for the built-in kinds, plus the user's kinds if given). */
export function rubricJsonSchema(options: RubricJsonSchemaOptions = {}): JsonSchema {
  throwProblems(optionsIssue(options));
  const { schemas, issues } = schemasFor((options ?? {}).kinds);
  if (issues.length) throw new RubricError(issues);
  const metadata = z.registry<Meta>();
  metadata.add(schemas.rubric, {
    title: 'shequ-rubric rubric',
    description:
      'A community-service quality rubric (社区服务质量评价), declared in YAML. Shape only: maxima, bands and references are checked by `shequ-rubric validate`. See docs/rubric-format.md.',
  });
  metadata.add(schemas.section, { id: 'section', title: 'section', description: 'A section: sub-sections and/or items; `max` must equal what its children can reach (capped by `cap`).' });
  metadata.add(schemas.item, { id: 'item', title: 'item', description: 'A scored item: the common keys, `kind`, and the parameters of that kind.' });
  metadata.add(bilingual, { id: 'bilingual', description: 'Text in Chinese and English.' });
  metadata.add(unitSchema, {
    id: 'unit',
    description:
      'A unit: one text for a symbol, the same in both languages (m², %, ‰), or its Chinese and English forms ({ zh: 户, en: households, enOne: household }; enOne, optional, follows exactly 1). A unit written once that holds Chinese characters (户, 次/年) is left out of English explanations.',
  });
  metadata.add(idSchema, { description: 'An id: letters, digits, ".", "_" or "-", starting with a letter or digit. Quote ids that look like numbers ("1.2").' });
  metadata.add(decimal, { description: 'An exact decimal: a number or a decimal string ("0.66"), read from the text, never through floating point.' });
  metadata.add(nonNegative, { description: 'An exact decimal ≥ 0: a number or a decimal string ("1.5").' });
  metadata.add(positive, { description: 'An exact decimal > 0: a number or a decimal string.' });
  metadata.add(fraction, { description: 'An exact fraction in [0, 1]: a number or a decimal string ("0.66").' });
  metadata.add(requiresSchema, {
    description: 'On a part of a sum only: the id of another part of the same sum, one that requires nothing itself and, worth 0 points, judges criteria (a check or checklist). This part scores its points only while that part is met (scored in full, or judged met when it is worth 0 points); otherwise 0.',
  });
  metadata.add(rangeSchema, { description: 'A range: a comparison (">= 92", "< 80", "= 100") or an interval ("[86, 92)", "[0.96, 1]", "(-inf, 80)", "[90, inf)").' });
  const item = schemas.item as unknown as z.ZodType;
  const variants = item instanceof z.ZodDiscriminatedUnion ? (item.options as z.ZodType[]) : [item];
  for (const variant of variants) {
    const kindName = variant instanceof z.ZodObject ? (variant.shape.kind as z.ZodLiteral | undefined)?.value : undefined;
    const kind = typeof kindName === 'string' ? schemas.kinds.get(kindName) : undefined;
    if (kind && variant !== item) metadata.add(variant, { title: `kind: ${kind.name}`, description: `${kind.doc.summary.en}\n${kind.doc.summary.zh}` });
  }
  // The child as the loader reads it, with the keys it replaces wholesale and the items and
  // sections it adds described by the rubric's own schemas (they are validated by those after merging).
  const top = (schemas.rubric as unknown as z.ZodObject).shape as Record<string, z.ZodType>;
  const replaced = Object.fromEntries(
    (['title', 'source', 'effective', 'rounding', 'max', 'notes', 'gates', 'grades'] as const).map((k) => [k, (top[k] as z.ZodType).optional()]),
  );
  const addSpec = (childSchema.shape.add.unwrap() as z.ZodArray<z.ZodObject>).element;
  const child = childSchema.extend({
    ...replaced,
    add: z.array(addSpec.extend({ items: z.array(schemas.item as unknown as z.ZodType).optional(), sections: z.array(schemas.section as unknown as z.ZodType).optional() })).optional(),
  });
  metadata.add(child, {
    id: 'child',
    title: 'shequ-rubric rubric that extends another',
    description: 'A rubric that extends a parent (`extends:`): overrides by id, additions, removals, and replaced top-level keys. The merged rubric is validated like any other. See docs/rubric-format.md, "Rubrics that extend rubrics".',
  });
  const rubric = metadata.get(schemas.rubric) as Meta;
  metadata.add(schemas.rubric, { ...rubric, id: 'rubric' });
  // One generation for both document shapes, so they share their definitions.
  const both = z.toJSONSchema(z.union([schemas.rubric as unknown as z.ZodType, child]), { io: 'input', target: TARGET, metadata }) as JsonSchema;
  // A document with `extends` is a child, any other a whole rubric: if / then / else, so that an
  // editor reports the errors of the one shape that applies rather than of both.
  return {
    $schema: both.$schema,
    $id: RUBRIC_SCHEMA_ID,
    title: rubric.title,
    description: rubric.description,
    if: { type: 'object', required: ['extends'] },
    then: { $ref: '#/definitions/child' },
    else: { $ref: '#/definitions/rubric' },
    definitions: both.definitions,
  };
}

export interface EvidenceJsonSchemaOptions {
  /** 'error' (default): every item's evidence is required; 'zero': items may be left out (scored 0). */
  missing?: MissingPolicy;
}

/**
 * The JSON Schema of an evidence document for one rubric:
 * `{ rubric?, community?, evidence: { <item id>: … } }`, each item's value
 * described by that item's own evidence schema.
 */
export function evidenceJsonSchema(compiled: CompiledRubric, options: EvidenceJsonSchemaOptions = {}): JsonSchema {
  throwProblems(notCompiled(compiled), optionsProblem(options));
  const missing = options?.missing ?? 'error';
  const { rubric } = compiled;
  const definitions: Record<string, unknown> = {};
  const properties: Record<string, unknown> = {};
  for (const [id, item] of compiled.items) {
    const own = z.toJSONSchema(compiled.evidenceSchema(item, missing), { io: 'input', target: TARGET }) as JsonSchema;
    delete own.$schema;
    const hoisted = hoistDefinitions(own, `item-${id}-`, definitions);
    properties[id] = {
      title: `${id} ${item.title.zh}`,
      description: `${item.title.en}\n(${item.kind}, at most ${compiled.maxOf(item).toString()} points)`,
      ...hoisted,
    };
  }
  const ids = [...compiled.items.keys()];
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `urn:shequ-rubric:evidence:${rubric.id}:${rubric.version}`,
    title: `Evidence for ${rubric.id} ${rubric.version}`,
    description: `An evidence document for ${rubric.title.zh} (${rubric.title.en}), rubric ${rubric.id} version ${rubric.version}, ${compiled.digest}.`,
    type: 'object',
    properties: {
      rubric: { const: rubric.id, description: 'The rubric id; checked against the rubric scored with.' },
      community: { type: 'object', description: 'Copied into the result (name, id of the community).', additionalProperties: {} },
      evidence: {
        type: 'object',
        description: 'Evidence keyed by item id.',
        properties,
        ...(missing === 'error' && ids.length ? { required: ids } : {}),
        additionalProperties: false,
      },
    },
    required: ['evidence'],
    additionalProperties: false,
    ...(Object.keys(definitions).length ? { definitions } : {}),
  };
}

/** Moves a sub-schema's own definitions into the root's, renaming them and their references. */
function hoistDefinitions(schema: JsonSchema, prefix: string, into: Record<string, unknown>): JsonSchema {
  const own = (schema.definitions ?? schema.$defs) as Record<string, unknown> | undefined;
  if (!own) return schema;
  const rest = { ...schema };
  delete rest.definitions;
  delete rest.$defs;
  let selfReference = false;
  const rename = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rename);
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        if (k === '$ref' && typeof v === 'string') {
          if (v === '#') selfReference = true;
          out[k] = v === '#' ? `#/definitions/${prefix}root` : v.replace(/^#\/(definitions|\$defs)\//, `#/definitions/${prefix}`);
        } else out[k] = rename(v);
      }
      return out;
    }
    return value;
  };
  for (const [name, def] of Object.entries(own)) into[`${prefix}${name}`] = rename(def);
  const root = rename(rest) as JsonSchema;
  if (selfReference) into[`${prefix}root`] = root;
  return root;
}
