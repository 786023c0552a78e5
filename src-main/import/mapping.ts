import { createHash } from 'node:crypto';
import { FIELDS, KIND_FIELDS, normaliseHeader, type FieldKey, type ImportKind } from '../shared/import-fields';
import { PRESETS, type ImportPreset } from '../shared/import-presets';

export type Mapping = Partial<Record<FieldKey, string>>;

/** The layout whose signature headers are all present, most specific first. */
export function detectPreset(headers: readonly string[]): ImportPreset | null {
  const present = new Set(headers.map(normaliseHeader));
  const matches = PRESETS.filter((preset) => preset.signature.every((h) => present.has(normaliseHeader(h))));
  return matches.sort((a, b) => b.signature.length - a.signature.length)[0] ?? null;
}

export function presetById(id: string): ImportPreset | null {
  return PRESETS.find((preset) => preset.id === id) ?? null;
}

const ALIAS_INDEX = new Map<string, FieldKey[]>();
for (const [key, spec] of Object.entries(FIELDS) as [FieldKey, (typeof FIELDS)[FieldKey]][]) {
  for (const alias of [key, ...spec.aliases]) {
    const normalised = normaliseHeader(alias);
    ALIAS_INDEX.set(normalised, [...(ALIAS_INDEX.get(normalised) ?? []), key]);
  }
}

/**
 * Maps fields to headers: a preset's pins first, then exact field names, then aliases in the order the kind lists
 * its fields. Each header serves one field.
 */
export function autoMap(headers: readonly string[], kind: ImportKind, preset: ImportPreset | null): Mapping {
  const byNormalised = new Map(headers.map((h) => [normaliseHeader(h), h]));
  const offered = new Set(KIND_FIELDS[kind].fields);
  const mapping: Mapping = {};
  const used = new Set<string>();
  const assign = (field: FieldKey, header: string | undefined) => {
    if (!header || used.has(header) || mapping[field] || !offered.has(field)) return;
    mapping[field] = header;
    used.add(header);
  };
  if (preset?.kind === kind) {
    for (const [field, header] of Object.entries(preset.mapping) as [FieldKey, string][]) {
      assign(field, byNormalised.get(normaliseHeader(header)));
    }
  }
  for (const field of KIND_FIELDS[kind].fields) assign(field, byNormalised.get(normaliseHeader(field)));
  for (const field of KIND_FIELDS[kind].fields) {
    for (const header of headers) {
      if (ALIAS_INDEX.get(normaliseHeader(header))?.includes(field)) assign(field, header);
    }
  }
  return mapping;
}

export function missingGroups(kind: ImportKind, mapping: Mapping): FieldKey[][] {
  return KIND_FIELDS[kind].required.filter((group) => !group.some((field) => mapping[field])).map((g) => [...g]);
}

/** The kind whose required fields the headers satisfy best; ties go to the richer kind (order lines first). */
export function guessKind(headers: readonly string[]): ImportKind {
  const kinds: ImportKind[] = ['order_lines', 'orders', 'customers', 'products'];
  const scored = kinds.map((kind) => {
    const mapping = autoMap(headers, kind, null);
    const missing = missingGroups(kind, mapping).length;
    return { kind, missing, mapped: Object.keys(mapping).length };
  });
  scored.sort((a, b) => a.missing - b.missing || b.mapped - a.mapped);
  return scored[0]?.kind ?? 'order_lines';
}

/** Applies the user's choices: a header name maps a field, null unmaps it. Unknown headers are refused. */
export function applyOverrides(
  mapping: Mapping,
  overrides: Partial<Record<FieldKey, string | null>> | undefined,
  headers: readonly string[],
): Mapping {
  const chosen = Object.entries(overrides ?? {}) as [FieldKey, string | null][];
  const kept = (Object.entries(mapping) as [FieldKey, string][]).filter(
    ([field]) => !chosen.some(([overridden]) => overridden === field),
  );
  const picked = chosen.filter((entry): entry is [FieldKey, string] => entry[1] !== null && headers.includes(entry[1]));
  return Object.fromEntries([...kept, ...picked]) as Mapping;
}

/** Files with the same columns (in any order, any case) share a saved mapping. */
export function shapeOf(headers: readonly string[]): string {
  const normalised = headers.map(normaliseHeader).filter(Boolean).sort();
  return createHash('sha256').update(normalised.join('\u0001')).digest('hex').slice(0, 32);
}
