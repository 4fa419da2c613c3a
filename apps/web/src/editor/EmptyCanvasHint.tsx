/**
 * What an empty diagram says: how to begin (a stencil from the palette, flows from the dots on a
 * shape's edges, a trust boundary around what shares trust) to someone who may draw, that it is
 * empty to someone who may not. It lies over the canvas without catching the pointer (drops and
 * clicks go through), except for its button; ModelView shows it while the diagram has no elements.
 */
export function EmptyCanvasHint({ readOnly, onShortcuts }: { readOnly: boolean; onShortcuts: () => void }) {
  return (
    <section className="bw-empty-hint" aria-label="Empty diagram">
      {readOnly ? (
        <p>This diagram is empty: nothing has been drawn on it yet.</p>
      ) : (
        <>
          <h2>This diagram is empty</h2>
          <ol>
            <li>
              <strong>Add shapes:</strong> drag a stencil from the palette on the left onto the canvas, or click one to
              put it in the middle.
            </li>
            <li>
              <strong>Connect them:</strong> drag from one of the dots on a shape’s edges to another shape to draw a
              data flow.
            </li>
            <li>
              <strong>Mark trust:</strong> draw a trust boundary around the shapes that trust each other; flows that
              cross it get the threats that come with crossing.
            </li>
          </ol>
          <p>
            Threats appear below as you draw.{' '}
            <button type="button" className="bw-link" onClick={onShortcuts}>
              Keyboard shortcuts (?)
            </button>
          </p>
        </>
      )}
    </section>
  );
}
