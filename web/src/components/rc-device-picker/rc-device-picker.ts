/**
 * `<rc-device-picker>`: which microphone and which output calls use, by
 * name, "System default" first. Where the browser hides names until the
 * microphone is allowed it offers to show them; where it cannot choose an
 * output (no `setSinkId`) it says so and where to change it instead; when a
 * chosen device is unplugged it says what is used meanwhile.
 *
 * It renders an `AudioDevices` (`.devices`) and records the person's choice
 * in it, then fires `rc-devices-change` ({ input, output }).
 */
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LocaleController, t } from '../../i18n/i18n';
import {
  AudioDevices,
  deviceName,
  isSystemDefault,
  type DeviceChoice,
  type DeviceKind,
  type MissingDevice,
} from '../../state/devices';
import { base } from '../shared/styles';

export type DevicesChangeEvent = CustomEvent<DeviceChoice>;

@customElement('rc-device-picker')
export class RcDevicePicker extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
        max-width: 32rem;
      }
      p {
        margin: 0.4em 0;
      }
      .names {
        margin-top: 1em;
      }
    `,
  ];

  @property({ attribute: false }) devices: AudioDevices | null = null;
  /** The browser refused the microphone when asked for names. */
  @state() private refused = false;
  @state() private asking = false;
  private unsubscribe: (() => void) | undefined;
  private readonly locale = new LocaleController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    this.follow();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('devices') && this.isConnected) this.follow();
  }

  private follow(): void {
    this.unsubscribe?.();
    this.unsubscribe = this.devices?.subscribe(() => this.requestUpdate());
  }

  override render() {
    void this.locale;
    const devices = this.devices;
    if (!devices) return nothing;
    return html`
      ${this.select('input', devices)}
      ${
        AudioDevices.outputSupported
          ? this.select('output', devices)
          : html`<p class="hint" id="output-unsupported">${t('devices.outputUnsupported')}</p>`
      }
      ${devices.labelsHidden ? this.showNames() : nothing}
      <div role="status">
        ${(['input', 'output'] as const).map((kind) => {
          const missing = devices.missing(kind);
          return missing ? html`<p>${this.missingText(kind, missing)}</p>` : nothing;
        })}
      </div>
    `;
  }

  private select(kind: DeviceKind, devices: AudioDevices) {
    const listed = kind === 'input' ? devices.inputs : devices.outputs;
    const chosen = devices.choice[kind];
    const systemDefault = listed.find(isSystemDefault);
    // Chromium names the default entry "Default - <device>": the device is what a person needs to read.
    const defaultName = systemDefault?.label.replace(/^[^-]+ - /, '') ?? '';
    const id = `${kind}-select`;
    return html`
      <label for=${id}>${t(kind === 'input' ? 'devices.microphone' : 'devices.output')}</label>
      <select id=${id} @change=${(e: Event) => this.chosen(kind, (e.target as HTMLSelectElement).value)}>
        <option value="" .selected=${!listed.some((d) => d.id === chosen && !isSystemDefault(d))}>
          ${defaultName ? t('devices.systemDefaultNamed', { name: defaultName }) : t('devices.systemDefault')}
        </option>
        ${listed
          .filter((d) => !isSystemDefault(d))
          .map((d, i) => html`<option value=${d.id} .selected=${d.id === chosen}>${deviceName(kind, d, i)}</option>`)}
      </select>
      ${kind === 'input' && listed.length === 0 && !devices.labelsHidden ? html`<p class="hint">${t('devices.noMicrophone')}</p>` : nothing}
    `;
  }

  private showNames() {
    return html`<div class="names">
      <p class="hint" id="names-why">${t(this.refused ? 'devices.namesRefused' : 'devices.namesHidden')}</p>
      <button aria-describedby="names-why" ?disabled=${this.asking} @click=${this.askForNames}>
        ${t('devices.showNames')}
      </button>
    </div>`;
  }

  private missingText(kind: DeviceKind, missing: MissingDevice): string {
    if (missing.label)
      return t(kind === 'input' ? 'devices.inputUnplugged' : 'devices.outputUnplugged', { name: missing.label });
    return t(kind === 'input' ? 'devices.inputAbsent' : 'devices.outputAbsent');
  }

  private async askForNames(): Promise<void> {
    if (!this.devices) return;
    this.asking = true;
    this.refused = !(await this.devices.requestLabels());
    this.asking = false;
    if (this.refused) return;
    // The button is gone with the hidden names: focus goes on to the list it revealed.
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLSelectElement>('#input-select')?.focus();
  }

  private chosen(kind: DeviceKind, id: string): void {
    if (!this.devices) return;
    this.devices.choose({ [kind]: id });
    this.dispatchEvent(
      new CustomEvent<DeviceChoice>('rc-devices-change', {
        detail: this.devices.choice,
        bubbles: true,
        composed: true,
      }),
    );
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rc-device-picker': RcDevicePicker;
  }
  interface HTMLElementEventMap {
    'rc-devices-change': DevicesChangeEvent;
  }
}
