/**
 * A file field in the page's language. The browser's own file button says
 * "Choose File / No file chosen" in the browser's language, whatever the
 * page's, so it is replaced by:
 *
 *     <input id="x" class="visually-hidden" type="file" aria-describedby="x-name …" />
 *     <label for="x" class="choose">Choose a file…</label>
 *     <span class="hint" id="x-name">the chosen file's name, or "none chosen"</span>
 *
 * The input stays the one control: the only Tab stop (Enter or Space opens
 * the picker), its name from its labels, the chosen file in its description.
 * The label looks like a button, opens the picker when clicked, and shows the
 * input's focus ring.
 */
import { css } from 'lit';

export const fileChoiceStyles = css`
  .file-choice {
    display: flex;
    flex-wrap: wrap;
    gap: 0.4rem 0.75rem;
    align-items: center;
  }
  label.choose {
    display: inline-block;
    margin: 0;
    font-weight: normal;
    border: 1px solid var(--rc-line);
    background: #f6f8fa;
    border-radius: var(--rc-radius);
    padding: 0.5em 0.9em;
    cursor: pointer;
  }
  input[type='file']:focus-visible + label.choose {
    outline: 3px solid #f2a900;
    outline-offset: 2px;
  }
  input[type='file'][aria-invalid='true'] + label.choose {
    border-color: var(--rc-danger);
    border-width: 2px;
  }
`;
