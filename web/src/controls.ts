/**
 * Form controls generated from option definitions (src/options.ts), so the web app offers exactly the
 * options the command line and the library do, with the same ranges, defaults, help and validation:
 * a number with a range is a slider, choices a select, a boolean a checkbox, anything else a text field
 * read with the same parser as the command line (also a number without a default, whose empty field means
 * the default the help describes).
 */
import { optionKey, type OptionSpec, type OptionSpecs, parseOptionText } from '../../src/engine.js';
import { h } from './dom.js';

export interface OptionControls {
  readonly element: HTMLElement;
  /** The current values by library key (camelCase); options whose text does not parse keep their last good value. */
  values(): Record<string, unknown>;
  /** Back to the defaults. */
  reset(): void;
}

/** "expression-scale" → "Expression scale". */
export function optionLabel(flag: string): string {
  const words = flag.replace(/-/g, ' ');
  return words[0]!.toUpperCase() + words.slice(1);
}

/** A value as the text a user would type for it ('all,lips', 'brows=0,eyes=1'). */
export function optionText(value: unknown): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'object' && value !== null)
    return Object.entries(value)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(',');
  return String(value);
}

function step(spec: OptionSpec): number {
  if (spec.type === 'integer') return 1;
  const span = spec.max! - spec.min!;
  // A step the default lies on (from an integer minimum): 1 to 60 frames/s in steps of 59/200 showed 24.89.
  return span <= 1 ? 0.01 : span <= 10 ? 0.05 : span <= 100 ? 0.5 : span / 200;
}

function format(v: number, s: number): string {
  return s >= 1 ? String(Math.round(v)) : v.toFixed(s >= 0.1 ? 1 : 2);
}

export function optionControls(
  specs: OptionSpecs,
  names: readonly string[],
  onChange: (values: Record<string, unknown>) => void,
  idPrefix: string,
  /** Options shown as a text field even where they could be a slider (a seed: any of 2³¹ numbers). */
  asText: readonly string[] = [],
): OptionControls {
  const values: Record<string, unknown> = {};
  const resets: (() => void)[] = [];
  const rows: HTMLElement[] = [];
  const changed = (): void => onChange({ ...values });

  for (const flag of names) {
    const spec = specs[flag];
    if (!spec) throw new Error(`no option named ${flag}`);
    const key = optionKey(flag);
    const id = `${idPrefix}-${flag}`;
    // What it does in plain words (the definition's hint) under the control and as its tooltip; the tooltip
    // adds the command line's flag and description, for those who know them.
    const help = h('p', { class: 'help' }, spec.hint ?? spec.description);
    const tip = spec.hint
      ? `${spec.hint}.\n\nCommand line: --${flag} — ${spec.description}`
      : `${spec.description}\n\nCommand line: --${flag}`;
    const label = h('label', { for: id }, optionLabel(flag));
    let input: HTMLElement;
    let extra: HTMLElement | undefined;
    let below: HTMLElement | undefined;
    const setDefault = (): void => {
      if (spec.default === undefined) delete values[key];
      else values[key] = spec.default;
    };
    setDefault();

    // A slider needs a value: a number without a default ("the video's own rate") is a text field, left empty.
    const slider =
      !asText.includes(flag) &&
      (spec.type === 'number' || spec.type === 'integer') &&
      spec.min !== undefined &&
      spec.max !== undefined &&
      spec.default !== undefined;
    if (slider) {
      const s = step(spec);
      const out = h('output', { for: id });
      const range = h('input', {
        id,
        type: 'range',
        min: String(spec.min),
        max: String(spec.max),
        step: String(s),
        'data-option': flag,
      }) as HTMLInputElement;
      const show = (): void => {
        out.textContent = format(Number(range.value), s);
      };
      const init = (): void => {
        range.value = String(spec.default);
        show();
      };
      range.addEventListener('input', () => {
        values[key] = Number(range.value);
        show();
        changed();
      });
      init();
      resets.push(() => {
        init();
        setDefault();
      });
      input = range;
      extra = out;
    } else if (spec.choices) {
      const select = h(
        'select',
        { id, 'data-option': flag },
        ...spec.choices.map((c) => h('option', { value: c }, c)),
      ) as HTMLSelectElement;
      const init = (): void => {
        select.value = String(spec.default ?? spec.choices![0]);
      };
      init();
      select.addEventListener('change', () => {
        values[key] = select.value;
        changed();
      });
      resets.push(() => {
        init();
        setDefault();
      });
      input = select;
    } else if (spec.type === 'boolean') {
      const box = h('input', { id, type: 'checkbox', 'data-option': flag }) as HTMLInputElement;
      const init = (): void => {
        box.checked = spec.default === true;
      };
      init();
      box.addEventListener('change', () => {
        values[key] = box.checked;
        changed();
      });
      resets.push(() => {
        init();
        setDefault();
      });
      input = box;
    } else {
      const field = h('input', {
        id,
        type: 'text',
        spellcheck: 'false',
        placeholder: spec.value ?? '',
        'data-option': flag,
      }) as HTMLInputElement;
      const error = h('p', { class: 'field-error', role: 'alert' });
      const init = (): void => {
        field.value = optionText(spec.default);
        field.classList.remove('invalid');
        error.textContent = '';
      };
      init();
      field.addEventListener('change', () => {
        const text = field.value.trim();
        try {
          if (text === '') setDefault();
          else values[key] = parseOptionText(flag, spec, text);
          field.classList.remove('invalid');
          error.textContent = '';
          changed();
        } catch (err) {
          field.classList.add('invalid');
          error.textContent = (err as Error).message;
        }
      });
      resets.push(() => {
        init();
        setDefault();
      });
      input = field;
      below = error;
    }
    rows.push(
      h(
        'div',
        { class: `option option-${spec.type}`, title: tip },
        h('div', { class: 'option-head' }, label, extra ?? ''),
        input,
        below ?? '',
        help,
      ),
    );
  }

  return {
    element: h('div', { class: 'options' }, ...rows),
    values: () => ({ ...values }),
    reset() {
      for (const r of resets) r();
      changed();
    },
  };
}
