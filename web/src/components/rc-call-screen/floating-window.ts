/**
 * The call's floating window: Document Picture-in-Picture where the browser
 * has it (a small always-on-top window with the name, status, timer, mute
 * and hang up). Where it does not, or inside a frame, the call screen
 * shrinks into an in-page mini window instead.
 */
import { html, nothing } from 'lit';
import { t } from '../../i18n/i18n';
import type { CallView } from '../../phone/phone-client';
import { formatDuration } from '../shared/duration';

/** Document Picture-in-Picture, where the browser has it. */
type DocumentPip = {
  requestWindow(options: { width: number; height: number }): Promise<Window>;
  window: Window | null;
};
const documentPip = (): DocumentPip | undefined =>
  (window as unknown as { documentPictureInPicture?: DocumentPip }).documentPictureInPicture;

const PIP_STYLE = `
  body { margin: 0; font-family: system-ui, 'PingFang SC', 'Microsoft YaHei', sans-serif; background: #fff; color: #1b1f24; }
  .mini { display: grid; grid-template-columns: auto 1fr; gap: 8px 12px; align-items: center; padding: 12px; }
  .face { width: 48px; height: 48px; border-radius: 50%; display: grid; place-items: center; color: #fff; font-weight: 700; overflow: hidden; background: #36648b; }
  .face img { width: 100%; height: 100%; object-fit: cover; }
  .name { font-weight: 700; font-size: 1.1rem; margin: 0; overflow-wrap: anywhere; }
  .mark { font-size: 0.8rem; font-weight: 600; }
  .verified, .masked { color: #116329; } .hidden { color: #424a53; } .unverified { color: #7d4e00; } .unavailable, .directory { color: #a40e26; }
  .row { grid-column: 1 / -1; display: flex; gap: 8px; align-items: center; }
  .timer { font-variant-numeric: tabular-nums; margin-right: auto; }
  button { font: inherit; border-radius: 8px; border: 1px solid #d0d7de; background: #f6f8fa; padding: 6px 10px; min-height: 36px; cursor: pointer; }
  button[aria-pressed='true'] { background: #ddf4ff; border-color: #0b6bcb; }
  button.danger, button.mute.on { background: #c62828; border-color: #c62828; color: #fff; }
  button:focus-visible { outline: 3px solid #f2a900; outline-offset: 2px; }
`;

/** Opens the window with its styles, or null where it cannot open here (no API, no user gesture, a frame). */
export async function openFloatingWindow(): Promise<Window | null> {
  const pip = documentPip();
  if (!pip) return null;
  try {
    const win = await pip.requestWindow({ width: 340, height: 170 });
    const style = win.document.createElement('style');
    style.textContent = PIP_STYLE;
    win.document.head.append(style);
    return win;
  } catch {
    return null;
  }
}

export type FloatingProps = {
  /** The name to show ('' for none: the number only). */
  name: string;
  avatarSrc: string;
  now: number;
  onMute: () => void;
  onHangup: () => void;
  onBack: () => void;
};

/** What the floating window shows of a call. */
export function floatingContent(call: CallView, p: FloatingProps) {
  const kind = call.peer.status ?? 'directory';
  const label = p.name || call.peer.number;
  return html`<div class="mini" role="region" aria-label=${t('call.floating')}>
    <div class="face" role="img" aria-label=${t('call.avatarOf', { name: label })}>
      ${p.avatarSrc ? html`<img src=${p.avatarSrc} alt="" />` : html`<span aria-hidden="true">${label.slice(0, 1)}</span>`}
    </div>
    <div>
      ${kind !== 'unavailable' && p.name ? html`<p class="name">${p.name}</p>` : nothing}
      <span class="mark ${kind}" data-status=${kind}>${t(`status.${kind}`)}</span>
      <div>${call.peer.number}</div>
    </div>
    <div class="row">
      <span class="timer"
        >${call.state === 'active' && call.answeredAt ? formatDuration(p.now - call.answeredAt) : t(`call.${call.state}`)}</span
      >
      <button class=${call.muted ? 'mute on' : 'mute'} aria-pressed=${call.muted ? 'true' : 'false'} @click=${p.onMute}>
        ${t('call.mute')}
      </button>
      <button class="danger" @click=${p.onHangup}>${t('call.hangup')}</button>
      <button @click=${p.onBack}>${t('call.back')}</button>
    </div>
  </div>`;
}
