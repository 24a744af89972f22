/**
 * A ringtone made with Web Audio (no file to fetch). Browsers keep audio
 * silent until the person has interacted with the page: then the phone
 * rings visibly, `blocked` says so, and the first click or key starts the
 * sound. Two kinds: `ring` (440+480 Hz, 1.2 s every 3 s) for a call in view,
 * and `waiting` (one soft 440 Hz beep every 5 s) for a call arriving during
 * a call, so the conversation is not drowned out.
 */
export type RingKind = 'ring' | 'waiting';

const CADENCE: Record<RingKind, { freqs: number[]; seconds: number; everyMs: number; gain: number }> = {
  ring: { freqs: [440, 480], seconds: 1.2, everyMs: 3000, gain: 0.08 },
  waiting: { freqs: [440], seconds: 0.3, everyMs: 5000, gain: 0.05 },
};

export class Ringtone {
  private ctx: AudioContext | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private ringing: RingKind | null = null;
  blocked = false;
  private readonly unlock = () => {
    void this.ctx?.resume().then(() => {
      this.blocked = false;
      this.onBlockedChange?.(false);
    });
  };

  constructor(private readonly onBlockedChange?: (blocked: boolean) => void) {}

  async start(kind: RingKind = 'ring'): Promise<void> {
    if (this.ringing === kind) return;
    if (this.ringing) clearInterval(this.timer);
    this.ringing = kind;
    this.ctx ??= new AudioContext();
    if (this.ctx.state === 'suspended') {
      await Promise.race([this.ctx.resume(), new Promise((r) => setTimeout(r, 50))]);
      // Stopped, or asked for the other kind, meanwhile: that call decides.
      if (this.ringing !== kind) return;
    }
    this.blocked = this.ctx.state !== 'running';
    this.onBlockedChange?.(this.blocked);
    if (this.blocked) {
      window.addEventListener('pointerdown', this.unlock, { once: true });
      window.addEventListener('keydown', this.unlock, { once: true });
    }
    const cadence = CADENCE[kind];
    const ring = () => {
      const ctx = this.ctx;
      if (!ctx || ctx.state !== 'running' || this.ringing !== kind) return;
      const gain = ctx.createGain();
      gain.gain.value = cadence.gain;
      gain.connect(ctx.destination);
      for (const freq of cadence.freqs) {
        const osc = ctx.createOscillator();
        osc.frequency.value = freq;
        osc.connect(gain);
        osc.start();
        osc.stop(ctx.currentTime + cadence.seconds);
      }
    };
    ring();
    clearInterval(this.timer);
    this.timer = setInterval(ring, cadence.everyMs);
  }

  /** What is ringing now, if anything. */
  get kind(): RingKind | null {
    return this.ringing;
  }

  stop(): void {
    this.ringing = null;
    clearInterval(this.timer);
    window.removeEventListener('pointerdown', this.unlock);
    window.removeEventListener('keydown', this.unlock);
    if (this.blocked) {
      this.blocked = false;
      this.onBlockedChange?.(false);
    }
  }
}
