/**
 * Icons as inline SVG: they never depend on an emoji font being installed
 * (headless and minimal systems draw emoji as empty boxes). Decorative:
 * every control that shows one also has a text label.
 */
import { svg } from 'lit';

const icon = (name: string, body: ReturnType<typeof svg>) =>
  svg`<svg data-icon=${name} viewBox="0 0 24 24" width="1.2em" height="1.2em" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">${body}</svg>`;

export const ICONS = {
  phone: icon(
    'phone',
    svg`<path d="M22 16.9v3a2 2 0 0 1-2.2 2 19.8 19.8 0 0 1-8.6-3.1 19.5 19.5 0 0 1-6-6A19.8 19.8 0 0 1 2.1 4.2 2 2 0 0 1 4.1 2h3a2 2 0 0 1 2 1.7c.1.9.3 1.8.6 2.7a2 2 0 0 1-.5 2.1L8 9.8a16 16 0 0 0 6 6l1.3-1.3a2 2 0 0 1 2.1-.4c.9.3 1.8.5 2.7.6a2 2 0 0 1 1.7 2z"/>`,
  ),
  speaker: icon(
    'speaker',
    svg`<path d="M11 5 6 9H2v6h4l5 4V5z"/><path d="M15.5 8.5a5 5 0 0 1 0 7"/><path d="M19 5a10 10 0 0 1 0 14"/>`,
  ),
  micOn: icon(
    'micOn',
    svg`<rect x="9" y="2" width="6" height="12" rx="3"/><path d="M19 10v1a7 7 0 0 1-14 0v-1"/><path d="M12 18v4"/>`,
  ),
  micOff: icon(
    'micOff',
    svg`<path d="m2 2 20 20"/><path d="M9 9v2a3 3 0 0 0 5.1 2.1"/><path d="M15 9.3V5a3 3 0 0 0-5.9-.7"/><path d="M19 10v1a7 7 0 0 1-1.1 3.8"/><path d="M5 10v1a7 7 0 0 0 11.2 5.6"/><path d="M12 18v4"/>`,
  ),
  floating: icon(
    'floating',
    svg`<rect x="2" y="4" width="20" height="16" rx="2"/><rect x="12" y="11" width="8" height="7" rx="1"/>`,
  ),
  hold: icon(
    'hold',
    svg`<rect x="6" y="4" width="4" height="16" rx="1"/><rect x="14" y="4" width="4" height="16" rx="1"/>`,
  ),
  devices: icon(
    'devices',
    svg`<path d="M3 14v-2a9 9 0 0 1 18 0v2"/><rect x="2" y="14" width="5" height="7" rx="1.5"/><rect x="17" y="14" width="5" height="7" rx="1.5"/>`,
  ),
  keypad: icon(
    'keypad',
    svg`<circle cx="6" cy="5" r="1"/><circle cx="12" cy="5" r="1"/><circle cx="18" cy="5" r="1"/><circle cx="6" cy="11" r="1"/><circle cx="12" cy="11" r="1"/><circle cx="18" cy="11" r="1"/><circle cx="6" cy="17" r="1"/><circle cx="12" cy="17" r="1"/><circle cx="18" cy="17" r="1"/><circle cx="12" cy="22" r="1"/>`,
  ),
  backspace: icon(
    'backspace',
    svg`<path d="M21 4H8l-7 8 7 8h13a2 2 0 0 0 2-2V6a2 2 0 0 0-2-2z"/><path d="m18 9-6 6"/><path d="m12 9 6 6"/>`,
  ),
  check: icon('check', svg`<path d="M20 6 9 17l-5-5"/>`),
  alert: icon('alert', svg`<circle cx="12" cy="12" r="10"/><path d="M12 8v4"/><path d="M12 16h.01"/>`),
  dot: icon('dot', svg`<circle cx="12" cy="12" r="4" fill="currentColor"/>`),
  grip: icon('grip', svg`<path d="M5 9h14"/><path d="M5 15h14"/>`),
} as const;
