/** Small form controls the threats panel, table and details share. */
import type { Threat, ThreatStatus } from '@bulwark/core';
import { STATUS_LABEL } from './threatList.js';

/** The status of a threat as a select, named after the threat. */
export function StatusSelect({
  threat,
  onChange,
  disabled = false,
}: {
  threat: Threat;
  onChange: (s: ThreatStatus) => void;
  disabled?: boolean;
}) {
  return (
    <select
      aria-label={`Status of ${threat.title}`}
      value={threat.status}
      disabled={disabled}
      onChange={(e) => onChange(e.target.value as ThreatStatus)}
    >
      <OptionList items={Object.entries(STATUS_LABEL)} />
    </select>
  );
}

/** `<option>`s from [value, label] pairs. */
export function OptionList({ items }: { items: Iterable<readonly [string, string]> }) {
  return (
    <>
      {[...items].map(([value, label]) => (
        <option key={value} value={value}>
          {label}
        </option>
      ))}
    </>
  );
}
