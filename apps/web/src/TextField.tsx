import { useEffect, useState } from 'react';

/**
 * A text input that commits on blur or Enter (one undo step per change, not per keystroke),
 * only when the text changed, and shows the model's value again when undo or a reload changes it.
 * `multiline` makes it a text area: Enter is a new line there, and it commits on blur.
 */
export function TextField({
  value,
  onCommit,
  label,
  multiline = false,
}: {
  value: string;
  onCommit: (value: string) => void;
  /** The accessible name, where no visible label wraps the field. */
  label?: string;
  multiline?: boolean;
}) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  const common = {
    'aria-label': label,
    value: text,
    onBlur: () => text !== value && onCommit(text),
  };
  if (multiline)
    return (
      <textarea
        {...common}
        rows={3}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => e.key === 'Escape' && setText(value)}
      />
    );
  return (
    <input
      {...common}
      onChange={(e) => setText(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') e.currentTarget.blur();
        else if (e.key === 'Escape') setText(value);
      }}
    />
  );
}
