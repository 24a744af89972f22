/** The call screen's own styles: the full screen, the in-page mini window, and the states that must stand out (muted, a name changed mid-call). */
import { css } from 'lit';

export const callScreenStyles = css`
  :host {
    display: block;
  }
  section {
    display: flex;
    flex-direction: column;
    align-items: center;
    gap: 0.6rem;
    padding: 1.5rem 1rem;
    background: var(--rc-bg);
    border-radius: 16px;
  }
  .state {
    color: var(--rc-muted);
    margin: 0;
  }
  .number {
    margin: 0;
    font-variant-numeric: tabular-nums;
    color: var(--rc-muted);
  }
  .timer {
    font-variant-numeric: tabular-nums;
    font-size: 1.2rem;
    margin: 0;
  }
  .toggles {
    display: grid;
    grid-template-columns: repeat(5, minmax(4rem, 1fr));
    gap: 0.5rem;
    width: 100%;
    max-width: 26rem;
  }
  .toggles button {
    display: flex;
    flex-direction: column;
    align-items: center;
    gap: 0.2rem;
    font-size: 0.85rem;
  }
  .toggles .icon {
    font-size: 1.3rem;
  }
  .answer {
    display: flex;
    gap: 1rem;
  }
  .answer button,
  .hangup {
    min-width: 8rem;
    min-height: 3rem;
    font-size: 1.05rem;
  }
  .why {
    font-size: 0.8rem;
    color: var(--rc-muted);
    max-width: 26rem;
    text-align: center;
    margin: 0;
  }
  .blocked {
    background: #fff8c5;
    padding: 0.4rem 0.8rem;
    border-radius: 8px;
    margin: 0;
  }
  rc-avatar {
    --rc-avatar-size: 112px;
  }
  /* On hold, either way: it must not look like a call in progress. */
  .held-banner {
    background: #fff4d6;
    color: #5c3b00;
    border: 1px solid #d4a72c;
    padding: 0.4rem 0.8rem;
    border-radius: 8px;
    margin: 0;
    text-align: center;
  }
  .toggles .hold.on {
    background: #d4a72c;
    color: #1f1400;
    border-color: #9a6f00;
  }
  /* The phone's other call: waiting, held, or just ended. */
  .others {
    width: 100%;
    max-width: 26rem;
    border-top: 1px solid var(--rc-border, #d0d7de);
    padding-top: 0.6rem;
  }
  .other {
    display: grid;
    grid-template-columns: 1fr auto;
    align-items: center;
    gap: 0.4rem;
  }
  .other .answer,
  .other .switch {
    grid-column: 1 / -1;
  }
  .other.waiting {
    border-left: 4px solid var(--rc-accent, #0969da);
    padding-left: 0.6rem;
  }
  .other .answer button {
    min-width: 6rem;
    min-height: 2.5rem;
  }
  :host([mini]) {
    position: fixed;
    z-index: 2147483000;
    width: 20rem;
    box-shadow: 0 8px 28px rgb(0 0 0 / 0.28);
    border-radius: 16px;
    touch-action: none;
  }
  :host([mini]) section {
    padding: 0.75rem;
    gap: 0.4rem;
  }
  :host([mini]) rc-avatar {
    --rc-avatar-size: 56px;
  }
  :host([mini]) rc-name-badge {
    --rc-name-size: 1.1rem;
  }
  .mute.on {
    background: #c62828;
    border-color: #c62828;
    color: #fff;
  }
  /* The connection: reconnecting, or no path at all; and how well it flows. */
  .net-banner {
    margin: 0;
    padding: 0.4rem 0.8rem;
    border-radius: 8px;
    background: #ddf4ff;
    color: #0a3069;
    text-align: center;
  }
  .net-banner.failed {
    background: #ffebe9;
    color: #a40e26;
    font-weight: 600;
  }
  .quality {
    margin: 0;
    font-size: 0.8rem;
    color: var(--rc-muted);
    text-align: center;
  }
  .quality .dot {
    display: inline-block;
    width: 0.6rem;
    height: 0.6rem;
    border-radius: 50%;
    margin-inline-end: 0.3rem;
    background: #1a7f37;
  }
  .quality.fair .dot {
    background: #bf8700;
  }
  .quality.poor .dot {
    background: #cf222e;
  }
  .quality .details {
    display: block;
  }
  .muted-banner,
  .changed {
    margin: 0;
    padding: 0.4rem 0.8rem;
    border-radius: 8px;
    font-weight: 600;
  }
  .muted-banner {
    background: #ffebe9;
    color: #a40e26;
  }
  .changed {
    background: #fff8c5;
    color: #4d2d00;
  }
  .confirm {
    flex-wrap: wrap;
    justify-content: center;
    align-items: center;
  }
  .confirm .state {
    flex-basis: 100%;
    text-align: center;
  }
  .drag {
    cursor: grab;
    align-self: stretch;
    text-align: center;
    color: var(--rc-muted);
    font-size: 0.75rem;
    user-select: none;
  }
`;
