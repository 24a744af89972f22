/**
 * What the call screen says about the call's connection (phone/connection.ts):
 * a banner while audio is connecting, reconnecting, or cannot get through at
 * all, a note when sound from the other side stopped arriving or the other
 * side said it is reconnecting (phone/peer-connection.ts), and a small
 * quality line (path, round trip, loss, jitter) while it flows.
 */
import { html, nothing } from 'lit';
import { t } from '../../i18n/i18n';
import type { Connection } from '../../phone/connection';
import type { CallView } from '../../phone/phone-client';

/** Answered this long ago and still connecting: say so (a shorter wait is normal and not worth a flash). */
const SAY_CONNECTING_AFTER_MS = 1500;

export type Quality = 'good' | 'fair' | 'poor';

/** A rough grade for people: good for a phone call, fair, or poor (ITU-T G.114's 150 ms one way, loss, jitter). */
export function quality(c: Connection): Quality | null {
  if (c.rttMs === null && c.lossPercent === null && c.jitterMs === null) return null;
  const rtt = c.rttMs ?? 0;
  const loss = c.lossPercent ?? 0;
  const jitter = c.jitterMs ?? 0;
  if (rtt > 500 || loss > 8 || jitter > 60) return 'poor';
  if (rtt > 300 || loss > 2 || jitter > 30) return 'fair';
  return 'good';
}

export function connectionStatus(call: CallView, name: string, now: number) {
  const c = call.connection;
  if (!(call.state === 'active' || call.state === 'held') || !call.answeredAt) return nothing;
  if (c.state === 'failed') return html`<p class="net-banner failed" role="alert">${t('call.noPath')}</p>`;
  if (c.state === 'reconnecting') return html`<p class="net-banner" role="status">${t('call.reconnecting')}</p>`;
  if (c.state === 'connecting')
    return now - call.answeredAt > SAY_CONNECTING_AFTER_MS
      ? html`<p class="net-banner" role="status">${t('call.connecting')}</p>`
      : nothing;
  const grade = quality(c);
  const details = [
    c.path === 'relay'
      ? t('call.quality.relay', { protocol: (c.relayProtocol ?? 'udp').toUpperCase() })
      : c.path === 'direct'
        ? t('call.quality.direct')
        : '',
    c.rttMs !== null ? t('call.quality.rtt', { ms: String(c.rttMs) }) : '',
    c.lossPercent !== null ? t('call.quality.loss', { percent: String(c.lossPercent) }) : '',
    c.jitterMs !== null ? t('call.quality.jitter', { ms: String(c.jitterMs) }) : '',
  ].filter(Boolean);
  return html`
    ${
      call.peerReconnecting && call.state === 'active'
        ? html`<p class="net-banner" role="status">
            ${t('call.peerReconnecting', { name: name || call.peer.number })}
          </p>`
        : c.silent && call.state === 'active'
          ? html`<p class="net-banner" role="status">${t('call.silent', { name: name || call.peer.number })}</p>`
          : nothing
    }
    ${
      grade
        ? html`<p class="quality ${grade}" aria-label=${`${t('call.quality')}: ${t(`call.quality.${grade}`)}`}>
            <span class="dot" aria-hidden="true"></span>${t(`call.quality.${grade}`)}
            <span class="details">${details.join(' · ')}</span>
          </p>`
        : nothing
    }
  `;
}
