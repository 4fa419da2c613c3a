/**
 * A multi-line note of a threat (justification, mitigations): a textarea with room, committed
 * when it loses focus or on Enter; Shift+Enter starts a new line; Escape takes the edit back.
 */
import { useEffect, useState } from 'react';

export function NoteField({
  value,
  onCommit,
  rows = 4,
}: {
  value: string;
  onCommit: (value: string) => void;
  rows?: number;
}) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  return (
    <textarea
      className="bw-note"
      value={text}
      rows={rows}
      onChange={(e) => setText(e.target.value)}
      onBlur={() => text !== value && onCommit(text)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && !e.shiftKey) {
          e.preventDefault();
          e.currentTarget.blur();
        } else if (e.key === 'Escape') setText(value);
      }}
    />
  );
}
