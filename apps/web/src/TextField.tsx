import { useEffect, useState } from 'react';

/**
 * A text input that commits on blur or Enter (one undo step per change, not per keystroke),
 * only when the text changed, and shows the model's value again when undo or a reload changes it.
 */
export function TextField({
  value,
  onCommit,
  label,
}: {
  value: string;
  onCommit: (value: string) => void;
  /** The accessible name, where no visible label wraps the field. */
  label?: string;
}) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  return (
    <input
      aria-label={label}
      value={text}
      onChange={(e) => setText(e.target.value)}
      onBlur={() => text !== value && onCommit(text)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') e.currentTarget.blur();
        else if (e.key === 'Escape') setText(value);
      }}
    />
  );
}
