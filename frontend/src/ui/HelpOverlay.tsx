import { Overlay } from "./Overlay";
import { SHORTCUTS, keyLabel } from "./shortcuts";

/** The keyboard shortcuts, listed. */
export function HelpOverlay({ onClose }: { onClose: () => void }) {
  return (
    <Overlay label="Keyboard shortcuts" onClose={onClose} className="help">
      <div className="overlay-head">
        <h2>Keyboard shortcuts</h2>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <div className="overlay-body">
        <table>
          <thead>
            <tr>
              <th scope="col">Keys</th>
              <th scope="col">Does</th>
              <th scope="col">Where</th>
            </tr>
          </thead>
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.keys + s.where}>
                <td>
                  <kbd>{keyLabel(s.keys)}</kbd>
                </td>
                <td>{s.what}</td>
                <td className="muted">{s.where}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Overlay>
  );
}
