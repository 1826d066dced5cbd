// A small templater for alert labels and annotations, in the spirit of Prometheus' Go templates
// but with no language behind it: a `{{ … }}` holds one variable and at most one printf format,
// recognised by a fixed grammar, and nothing is ever evaluated. Variables:
//   {{ $value }}                 the evaluated value (empty when there is none)
//   {{ $labels.<name> }}         a label of the series
//   {{ $rule.<id|name|severity|metric> }}
//   {{ $value | printf "%.2f" }} one verb, with any literal text around it: %.Nf %f %.Ne %e %.Ng %g %d %s %%
// Unknown variables, missing labels and unparsable expressions render as the empty string;
// templateProblems reports them when a rule is saved. Output is one pass: a label value holding
// `{{ … }}` comes out verbatim, never expanded again. Nothing is HTML-escaped here: each channel
// escapes for its own format.

export interface TemplateContext {
  labels: Readonly<Record<string, string>>;
  value: number | null;
  rule: { id: string; name: string; severity: string; metric: string };
}

const RULE_FIELDS = ['id', 'name', 'severity', 'metric'] as const;
const EXPR = /^\$(value|labels\.([A-Za-z_][A-Za-z0-9_]*)|rule\.([A-Za-z_]+))\s*(?:\|\s*printf\s+"((?:[^"\\]|\\.){0,64})")?$/;
const VERB = /%(?:%|(?:\.(\d{1,2}))?([fegds]))/g;
const TAG = /\{\{([^{}]{0,300})\}\}/g;

type Parsed = { kind: 'value' } | { kind: 'label'; name: string } | { kind: 'rule'; field: string };

function parse(expr: string): { v: Parsed; fmt: string | null } | string {
  const m = EXPR.exec(expr.trim());
  if (!m) return `cannot read {{${expr}}}: use $value, $labels.<name> or $rule.<${RULE_FIELDS.join('|')}>, optionally | printf "%.2f"`;
  const fmt = m[4] ?? null;
  if (fmt !== null) {
    const verbs = [...fmt.matchAll(VERB)].filter((v) => v[0] !== '%%');
    const stray = fmt.replace(VERB, '').includes('%');
    if (verbs.length !== 1 || stray) return `printf "${fmt}" must hold exactly one of %.Nf %f %.Ne %e %.Ng %g %d %s (%% for a percent sign)`;
    const digits = verbs[0]?.[1];
    if (digits !== undefined && Number(digits) > 20) return `printf "${fmt}": at most 20 digits`;
  }
  if (m[1] === 'value') return { v: { kind: 'value' }, fmt };
  if (m[2] !== undefined) return { v: { kind: 'label', name: m[2] }, fmt };
  const field = m[3] ?? '';
  if (!(RULE_FIELDS as readonly string[]).includes(field)) return `unknown field $rule.${field}: one of ${RULE_FIELDS.map((f) => `$rule.${f}`).join(', ')}`;
  return { v: { kind: 'rule', field }, fmt };
}

function lookup(v: Parsed, ctx: TemplateContext): string | number | null {
  if (v.kind === 'value') return ctx.value;
  if (v.kind === 'label') return Object.hasOwn(ctx.labels, v.name) ? (ctx.labels[v.name] ?? null) : null;
  return ctx.rule[v.field as (typeof RULE_FIELDS)[number]] ?? null;
}

function formatNumber(x: number, verb: string, digits: number | undefined): string {
  if (!Number.isFinite(x)) return String(x);
  switch (verb) {
    case 'f': return x.toFixed(digits ?? 6);
    case 'e': return x.toExponential(digits ?? 6);
    case 'g': return digits === undefined ? String(x) : x.toPrecision(Math.max(1, digits));
    case 'd': return Math.round(x).toString();
    default: return String(x);
  }
}

/** Applies a printf format with one verb; a non-number under a numeric verb prints as %s would. */
function printf(fmt: string, v: string | number): string {
  return fmt.replace(VERB, (all, digits: string | undefined, verb: string | undefined) => {
    if (all === '%%') return '%';
    const n = typeof v === 'number' ? v : verb !== 's' && v.trim() !== '' ? Number(v) : Number.NaN;
    if (verb === 's' || !Number.isFinite(n)) return String(v);
    return formatNumber(n, verb ?? 'g', digits === undefined ? undefined : Number(digits));
  });
}

/** Renders a template; never throws, never evaluates anything. */
export function renderTemplate(src: string, ctx: TemplateContext): string {
  return src.replace(TAG, (_all, expr: string) => {
    const p = parse(expr);
    if (typeof p === 'string') return '';
    const v = lookup(p.v, ctx);
    if (v === null) return '';
    return p.fmt === null ? String(v) : printf(p.fmt.replace(/\\(.)/g, '$1'), v);
  });
}

/** What is wrong with a template, one message per problem; empty when it renders cleanly. */
export function templateProblems(src: string): string[] {
  const out: string[] = [];
  for (const m of src.matchAll(TAG)) {
    const p = parse(m[1] ?? '');
    if (typeof p === 'string') out.push(p);
  }
  const rest = src.replace(TAG, '');
  if (rest.includes('{{') || rest.includes('}}')) out.push('unbalanced {{ or }}: each {{ needs its }} and holds one expression of at most 300 characters');
  return out;
}
