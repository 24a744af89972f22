/**
 * The tone a caller hears while the other side rings, made locally with Web
 * Audio: 425 Hz, one second on, four off (the ITU-T E.180 ringing tone used
 * across Europe and, at 450 Hz, in China). Asterisk sends 180 Ringing
 * without early media, so without this a ringing caller hears silence.
 * The caller clicked Call, so the page may play sound.
 */
export class Ringback {
  private ctx: AudioContext | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private current: { osc: OscillatorNode; gain: GainNode } | undefined;
  /** Whether the tone is on (between start and stop), whatever the cadence's phase. */
  playing = false;

  start(): void {
    if (this.playing) return;
    this.playing = true;
    this.ctx ??= new AudioContext();
    void this.ctx.resume().catch(() => undefined);
    const beep = () => {
      const ctx = this.ctx;
      if (!ctx || !this.playing) return;
      const gain = ctx.createGain();
      gain.gain.value = 0.06;
      gain.connect(ctx.destination);
      const osc = ctx.createOscillator();
      osc.frequency.value = 425;
      osc.connect(gain);
      osc.start();
      osc.stop(ctx.currentTime + 1);
      this.current = { osc, gain };
    };
    beep();
    this.timer = setInterval(beep, 5000);
  }

  stop(): void {
    if (!this.playing) return;
    this.playing = false;
    clearInterval(this.timer);
    try {
      this.current?.osc.stop();
    } catch {
      // already stopped
    }
    this.current?.gain.disconnect();
    this.current = undefined;
    void this.ctx?.close().catch(() => undefined);
    this.ctx = undefined;
  }
}
