/** Styles every RealCall element shares: colours, type, buttons, focus rings. */
import { css } from 'lit';

export const base = css`
  :host {
    --rc-bg: #ffffff;
    --rc-fg: #1b1f24;
    --rc-muted: #57606a;
    --rc-line: #d0d7de;
    --rc-accent: #0b6bcb;
    --rc-accent-fg: #ffffff;
    --rc-ok: #1a7f37;
    --rc-warn: #9a6700;
    --rc-danger: #c62828;
    --rc-radius: 10px;
    font-family:
      system-ui,
      -apple-system,
      'Segoe UI',
      'PingFang SC',
      'Microsoft YaHei',
      'Noto Sans CJK SC',
      sans-serif;
    color: var(--rc-fg);
    box-sizing: border-box;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  button {
    font: inherit;
    border: 1px solid var(--rc-line);
    background: #f6f8fa;
    color: var(--rc-fg);
    border-radius: var(--rc-radius);
    padding: 0.5em 0.9em;
    cursor: pointer;
    min-height: 2.5em;
  }
  button.primary {
    background: var(--rc-accent);
    border-color: var(--rc-accent);
    color: var(--rc-accent-fg);
  }
  button.danger {
    background: var(--rc-danger);
    border-color: var(--rc-danger);
    color: #fff;
  }
  button.ok {
    background: var(--rc-ok);
    border-color: var(--rc-ok);
    color: #fff;
  }
  button[aria-pressed='true'] {
    background: #ddf4ff;
    border-color: var(--rc-accent);
  }
  button:disabled,
  /* Greyed but still focusable, so its description (why) can be reached and focus is never dropped. */
  button[aria-disabled='true'] {
    opacity: 0.55;
    cursor: not-allowed;
  }
  button:focus-visible,
  input:focus-visible,
  select:focus-visible,
  a:focus-visible,
  [tabindex]:focus-visible {
    outline: 3px solid #f2a900;
    outline-offset: 2px;
  }
  input,
  select,
  textarea {
    font: inherit;
    padding: 0.5em 0.6em;
    border: 1px solid var(--rc-line);
    border-radius: 8px;
    min-height: 2.5em;
    width: 100%;
    background: #fff;
    color: var(--rc-fg);
  }
  label {
    display: block;
    font-weight: 600;
    margin: 0.6em 0 0.25em;
  }
  a {
    color: var(--rc-accent);
  }
  .hint {
    color: var(--rc-muted);
    font-size: 0.9em;
  }
  .error {
    color: var(--rc-danger);
  }
  /* A refused field's reason, right below it (shared/field.ts). */
  .field-error {
    color: var(--rc-danger);
    font-size: 0.92em;
    margin: 0.25em 0 0;
  }
  [aria-invalid='true'] {
    border-color: var(--rc-danger);
    border-width: 2px;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;
