/**
 * A rule in the template editor: a textarea over a coloured copy of its text (keywords, roles,
 * attributes, literals), with the first problem marked at its column and named below as you type.
 */
import { useId, useMemo, useRef } from 'react';
import { ruleProblem, ruleTokens } from './templateTools.js';

/** The coloured text, with the character at `offset` marked (a space after the end when it is there). */
function Highlighted({ rule, offset }: { rule: string; offset: number | undefined }) {
  const pieces: React.ReactNode[] = [];
  let at = 0;
  for (const token of ruleTokens(rule)) {
    const end = at + token.text.length;
    const cls = `bw-rule-${token.kind}`;
    if (offset !== undefined && offset >= at && offset < end) {
      const cut = offset - at;
      pieces.push(
        <span key={at} className={cls}>
          {token.text.slice(0, cut)}
          <mark className="bw-rule-error-at">{token.text.slice(cut, cut + 1)}</mark>
          {token.text.slice(cut + 1)}
        </span>,
      );
    } else {
      pieces.push(
        <span key={at} className={cls}>
          {token.text}
        </span>,
      );
    }
    at = end;
  }
  if (offset !== undefined && offset >= rule.length)
    pieces.push(
      <mark key="end" className="bw-rule-error-at">
        {' '}
      </mark>,
    );
  // A trailing newline needs something after it to take up its line.
  return (
    <>
      {pieces}
      {'\u200b'}
    </>
  );
}

export function RuleEditor({
  label,
  value,
  onChange,
  scope,
  readOnly = false,
  required = false,
}: {
  label: string;
  value: string;
  onChange: (rule: string) => void;
  scope: 'interaction' | 'element';
  readOnly?: boolean;
  required?: boolean;
}) {
  const id = useId();
  const overlay = useRef<HTMLPreElement>(null);
  const problem = useMemo(() => ruleProblem(value, scope), [value, scope]);
  const missing = required && value.trim() === '';
  return (
    <div className="bw-rule">
      <label htmlFor={id}>{label}</label>
      <div className={`bw-rule-box${problem ? ' bw-rule-box-bad' : ''}`}>
        <pre ref={overlay} className="bw-rule-overlay" aria-hidden="true">
          <Highlighted rule={value} offset={problem ? problem.column - 1 : undefined} />
        </pre>
        <textarea
          id={id}
          className="bw-rule-input"
          value={value}
          spellCheck={false}
          readOnly={readOnly}
          rows={2}
          aria-invalid={problem !== undefined || missing}
          aria-describedby={problem || missing ? `${id}-problem` : undefined}
          onChange={(e) => onChange(e.target.value)}
          onScroll={(e) => {
            if (overlay.current) overlay.current.scrollTop = e.currentTarget.scrollTop;
          }}
        />
      </div>
      {problem ? (
        <p id={`${id}-problem`} className="bw-rule-problem" role="status">
          {problem.message}
        </p>
      ) : missing ? (
        <p id={`${id}-problem`} className="bw-rule-problem" role="status">
          Write the rule that must hold for this threat, e.g. target is 'GE.DS'.
        </p>
      ) : null}
    </div>
  );
}
