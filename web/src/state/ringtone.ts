/**
 * A ringtone made with Web Audio (no file to fetch). Browsers keep audio
 * silent until the person has interacted with the page: then the phone
 * rings visibly, `blocked` says so, and the first click or key starts the
 * sound.
 */
export class Ringtone {
  private ctx: AudioContext | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private ringing = false;
  blocked = false;
  private readonly unlock = () => {
    void this.ctx?.resume().then(() => {
      this.blocked = false;
      this.onBlockedChange?.(false);
    });
  };

  constructor(private readonly onBlockedChange?: (blocked: boolean) => void) {}

  async start(): Promise<void> {
    if (this.ringing) return;
    this.ringing = true;
    this.ctx ??= new AudioContext();
    if (this.ctx.state === 'suspended') {
      await Promise.race([this.ctx.resume(), new Promise((r) => setTimeout(r, 50))]);
    }
    this.blocked = this.ctx.state !== 'running';
    this.onBlockedChange?.(this.blocked);
    if (this.blocked) {
      window.addEventListener('pointerdown', this.unlock, { once: true });
      window.addEventListener('keydown', this.unlock, { once: true });
    }
    const ring = () => {
      const ctx = this.ctx;
      if (!ctx || ctx.state !== 'running' || !this.ringing) return;
      const gain = ctx.createGain();
      gain.gain.value = 0.08;
      gain.connect(ctx.destination);
      for (const freq of [440, 480]) {
        const osc = ctx.createOscillator();
        osc.frequency.value = freq;
        osc.connect(gain);
        osc.start();
        osc.stop(ctx.currentTime + 1.2);
      }
    };
    ring();
    this.timer = setInterval(ring, 3000);
  }

  stop(): void {
    this.ringing = false;
    clearInterval(this.timer);
    window.removeEventListener('pointerdown', this.unlock);
    window.removeEventListener('keydown', this.unlock);
    if (this.blocked) {
      this.blocked = false;
      this.onBlockedChange?.(false);
    }
  }
}
