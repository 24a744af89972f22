/**
 * Chromium here runs with --use-fake-ui-for-media-stream, which grants the
 * microphone for good, so it never lists devices as a browser does before
 * permission (neither CDP's Browser.setPermission 'prompt'/'denied' nor a
 * frame whose Permissions Policy refuses the microphone changes that). For
 * that one case this stands in for the browser's MediaDevices, and says so:
 * the real list, redacted as mediacapture-main exposes it before permission
 * (one entry per kind, no id, no name), until a real getUserMedia has
 * succeeded; devicechange events are the real ones.
 */
export function beforePermission(ask = (c: MediaStreamConstraints) => navigator.mediaDevices.getUserMedia(c)) {
  let allowed = false;
  const media = navigator.mediaDevices;
  return {
    addEventListener: media.addEventListener.bind(media),
    removeEventListener: media.removeEventListener.bind(media),
    async enumerateDevices() {
      const real = await media.enumerateDevices();
      if (allowed) return real;
      return [...new Set(real.map((d) => d.kind))].map((kind) => ({ kind, deviceId: '', groupId: '', label: '' }));
    },
    async getUserMedia(constraints: MediaStreamConstraints) {
      const stream = await ask(constraints);
      allowed = true;
      return stream;
    },
  };
}
