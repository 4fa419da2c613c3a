/**
 * "Skip to diagram": the first thing Tab reaches on the editor page, hidden until it has focus; it
 * moves focus past the header, tabs and palette to the canvas (the element with id `target`, which
 * takes focus with tabIndex -1), from where Tab goes on to the shapes. Routing is by the URL's hash,
 * so the link moves focus itself rather than following its href.
 */
export function SkipLink({ target, label }: { target: string; label: string }) {
  return (
    <a
      className="bw-skip"
      href={`#${target}`}
      onClick={(e) => {
        e.preventDefault();
        document.getElementById(target)?.focus();
      }}
    >
      {label}
    </a>
  );
}
