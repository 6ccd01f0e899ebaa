export interface PickerOption {
  value: string;
  label: string;
  /** Shown beside the option, outside its label (e.g. a segment's size). */
  detail?: string;
}

/**
 * Options whose label or value contains every word of the query (case-insensitive), in their
 * original order. An empty query keeps them all.
 */
export function filterOptions<T extends PickerOption>(options: T[], query: string): T[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return options;
  return options.filter((option) => {
    const haystack = `${option.label} ${option.value}`.toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
}

/**
 * Chips for the selected values, in selection order; a value no option names (a deleted segment,
 * a free-text event) still gets a chip so it can be removed.
 */
export function selectedChips(
  options: PickerOption[],
  selected: string[],
  missingLabel: (value: string) => string = (value) => value,
): PickerOption[] {
  const labels = new Map(options.map((option) => [option.value, option.label]));
  return selected.map((value) => ({ value, label: labels.get(value) ?? missingLabel(value) }));
}

/** Adds a value once; returns the same array when it is already there or blank. */
export function addValue(selected: string[], value: string): string[] {
  const trimmed = value.trim();
  if (trimmed === "" || selected.includes(trimmed)) return selected;
  return [...selected, trimmed];
}

export function removeValue(selected: string[], value: string): string[] {
  return selected.filter((item) => item !== value);
}
