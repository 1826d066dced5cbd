import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderTemplate, templateProblems, type TemplateContext } from './template.ts';

const ctx: TemplateContext = {
  labels: { model: 'churn', version: 'v3', evil: '{{ $value }}', html: '<b>x</b>', num: '0.123456' },
  value: 512.34567,
  rule: { id: 'p99', name: 'p99 latency high', severity: 'critical', metric: 'latency.p99' },
};

const rows: [string, string, string][] = [
  ['plain text', 'hello', 'hello'],
  ['value', 'v={{ $value }}', 'v=512.34567'],
  ['value without spaces', '{{$value}}', '512.34567'],
  ['label', '{{ $labels.model }}/{{ $labels.version }}', 'churn/v3'],
  ['rule fields', '[{{ $rule.severity }}] {{ $rule.name }} ({{ $rule.metric }}, {{ $rule.id }})', '[critical] p99 latency high (latency.p99, p99)'],
  ['printf %.2f', '{{ $value | printf "%.2f" }} ms', '512.35 ms'],
  ['printf with text', '{{ $value | printf "p99 %.0f ms" }}', 'p99 512 ms'],
  ['printf %d', '{{ $value | printf "%d" }}', '512'],
  ['printf %.3e', '{{ $value | printf "%.3e" }}', '5.123e+2'],
  ['printf %.3g', '{{ $value | printf "%.3g" }}', '512'],
  ['printf %s', '{{ $value | printf "%s" }}', '512.34567'],
  ['printf %% literal', '{{ $value | printf "%.1f%%" }}', '512.3%'],
  ['printf on a numeric label', '{{ $labels.num | printf "%.2f" }}', '0.12'],
  ['printf on a text label prints it as is', '{{ $labels.model | printf "%.2f" }}', 'churn'],
  ['missing label is empty', '[{{ $labels.nope }}]', '[]'],
  ['unknown variable is empty', '[{{ $foo }}]', '[]'],
  ['unknown rule field is empty', '[{{ $rule.constructor }}]', '[]'],
  ['prototype keys are not labels', '[{{ $labels.__proto__ }}{{ $labels.constructor }}{{ $labels.toString }}]', '[]'],
  ['label values are not expanded again', '{{ $labels.evil }}', '{{ $value }}'],
  ['no escaping here: channels escape', '{{ $labels.html }}', '<b>x</b>'],
  ['Go template actions are not run', '{{ range $labels }}x{{ end }}', 'x'],
  ['function calls are not run', '{{ $value.constructor.constructor("return process")() }}', ''],
  ['JS template syntax is plain text', '${process.exit(1)} `x`', '${process.exit(1)} `x`'],
  ['printf injection is refused', '{{ $value | printf "%.2f" | exec "rm" }}', ''],
  ['two verbs are refused', '{{ $value | printf "%f %f" }}', ''],
  ['unbalanced braces stay literal', 'a {{ $value b', 'a {{ $value b'],
  ['only the innermost braces form a tag', '{{ {{ $value }} }}', '{{ 512.34567 }}'],
];
for (const [name, src, want] of rows) test(`template: ${name}`, () => assert.equal(renderTemplate(src, ctx), want));

test('template: a null value renders empty, with or without printf', () => {
  assert.equal(renderTemplate('[{{ $value }}|{{ $value | printf "%.2f" }}]', { ...ctx, value: null }), '[|]');
});

test('templateProblems names what is wrong', () => {
  assert.deepEqual(templateProblems('{{ $labels.model }} {{ $value | printf "%.1f" }}'), []);
  assert.match(templateProblems('{{ $foo }}')[0] ?? '', /use \$value, \$labels.<name> or \$rule/);
  assert.match(templateProblems('{{ $rule.owner }}')[0] ?? '', /unknown field \$rule.owner/);
  assert.match(templateProblems('{{ $value | printf "%x" }}')[0] ?? '', /exactly one of/);
  assert.match(templateProblems('{{ $value | printf "%.99f" }}')[0] ?? '', /cannot read|at most 20/);
  assert.match(templateProblems('oops {{ $value')[0] ?? '', /unbalanced/);
});
