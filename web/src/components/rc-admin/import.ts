/**
 * `<rc-admin-import>`: decisions from a CSV file. Choose a file (or paste
 * its text), Preview: the API runs every check and says what each row would
 * do, writing nothing. Import then sends the same bytes and shows what each
 * row did. A preview where no row would be imported offers no Import; a
 * file or text changed after its preview needs a new one.
 */
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Api, type ImportResult } from '../../api/client';
import { LocaleController, t } from '../../i18n/i18n';
import { errorText, problemsOf, problemText } from '../../i18n/problems';
import { errorId } from '../shared/field';
import { fileChoiceStyles } from '../shared/file-choice';
import { base } from '../shared/styles';
import { done, goToHeading, saidHere } from './section';
import { sectionStyles } from './styles';
import { csvProblem, data, importRowOutcome, importRowRecords, person, words } from './words';

@customElement('rc-admin-import')
export class RcAdminImport extends LitElement {
  static override styles = [base, sectionStyles, fileChoiceStyles];

  @property({ attribute: false }) api = new Api();
  /** What this section just did, said under its heading (the page sets it). */
  @property({ attribute: false }) said: TemplateResult | null = null;
  @state() private file: File | null = null;
  @state() private text = '';
  /** The answer shown: a preview (`dryRun`) or an import's result. */
  @state() private answer: ImportResult | null = null;
  /**
   * Why the file as a whole was refused (the API's error, or `no_source`),
   * worded at render time so a language switch re-words it.
   */
  @state() private refusal: unknown = null;
  @state() private busy = false;
  /** The bytes the shown preview was made of: Import sends exactly these. */
  private previewed: Blob | null = null;
  private readonly locale = new LocaleController(this);

  /** Nothing to load: an import starts from a file. */
  async reload(): Promise<void> {}

  /** Brings the heading into view, with focus. */
  override focus(): void {
    goToHeading(this.renderRoot);
  }

  override render() {
    void this.locale;
    const why = this.refusal === null ? null : this.refusalWords(this.refusal);
    const described = ['format', why ? errorId('file') : ''].filter(Boolean).join(' ');
    const preview = this.answer?.dryRun ? this.answer : null;
    return html`
      <h2 tabindex="-1">${t('admin.import')}</h2>
      ${saidHere(this.said)}
      <p class="hint" id="format">
        ${words('admin.import.format', {
          header: html`<code>login,legal_name,id_number,status[,reason]</code>`,
          verified: html`<code>verified</code>`,
          rejected: html`<code>rejected</code>`,
        })}
      </p>
      <form @submit=${this.preview}>
        <label for="file">${t('admin.import.file')}</label>
        <div class="file-choice">
          <!-- The browser's own file button speaks the browser's language: this one speaks the page's. -->
          <input
            id="file"
            class="visually-hidden"
            type="file"
            accept=".csv,text/csv"
            aria-describedby=${['file-name', described].join(' ')}
            aria-invalid=${why ? 'true' : 'false'}
            @change=${(e: Event) => {
              this.file = (e.target as HTMLInputElement).files?.[0] ?? null;
              if (this.file) this.text = '';
              this.sourceChanged();
            }}
          />
          <label for="file" class="choose">${t('admin.import.choose')}</label>
          <span class="hint" id="file-name">${this.file ? data(this.file.name) : t('admin.import.noFile')}</span>
        </div>
        <label for="paste">${t('admin.import.paste')}</label>
        <textarea
          id="paste"
          rows="4"
          spellcheck="false"
          aria-describedby=${described}
          aria-invalid=${why ? 'true' : 'false'}
          .value=${this.text}
          @input=${(e: InputEvent) => {
            this.text = (e.target as HTMLTextAreaElement).value;
            // The pasted text is the file now: a chosen file no longer counts.
            if (this.file) {
              this.file = null;
              const input = this.renderRoot.querySelector<HTMLInputElement>('#file');
              if (input) input.value = '';
            }
            this.sourceChanged();
          }}
        ></textarea>
        ${
          why
            ? html`<p class="field-error" id=${errorId('file')}><span aria-hidden="true">⚠ </span>${why}</p>`
            : nothing
        }
        <div class="actions" style="margin-top: 0.6rem">
          <button type="submit" ?disabled=${this.busy}>${t('admin.import.preview')}</button>
          ${
            preview && preview.imported > 0
              ? html`<button type="button" class="primary" ?disabled=${this.busy} @click=${this.run}>
                  ${t('admin.import.run')}
                </button>`
              : nothing
          }
        </div>
      </form>
      ${this.answer ? this.renderAnswer(this.answer) : nothing}
    `;
  }

  private renderAnswer(answer: ImportResult) {
    const counts = { imported: answer.imported, unchanged: answer.unchanged.length, errors: answer.errors.length };
    return html`
      <p id="summary" tabindex="-1">
        <strong>${t(answer.dryRun ? 'admin.import.previewSummary' : 'admin.import.resultSummary', counts)}</strong>
        ${answer.dryRun && answer.imported === 0 ? html`<br />${t('admin.import.nothingToImport')}` : nothing}
      </p>
      <table class="list">
        <thead>
          <tr>
            <th scope="col">${t('admin.import.line')}</th>
            <th scope="col">${t('admin.import.row')}</th>
            <th scope="col">${t('admin.import.outcome')}</th>
          </tr>
        </thead>
        <tbody>
          ${answer.rows.map((row) => {
            // What the row records, as the admin typed it: the legal name and the document's last 4.
            const records = importRowRecords(row);
            return html`<tr data-line=${row.line} class=${row.outcome === 'error' ? 'error' : ''}>
              <td class="narrow" data-label=${t('admin.import.line')}>${row.line}</td>
              <td data-label=${t('admin.import.row')}>
                ${row.person ? html`${person(row.person)}<br />` : nothing}
                <span class="hint">${data(row.login)}</span>
                ${records.length ? html`<br /><span class="records">${records}</span>` : nothing}
              </td>
              <td data-label=${t('admin.import.outcome')}>${importRowOutcome(row, answer.dryRun)}</td>
            </tr>`;
          })}
        </tbody>
      </table>
    `;
  }

  /** A new file or text: what was shown was about the old one. */
  private sourceChanged(): void {
    this.answer = null;
    this.refusal = null;
    this.previewed = null;
  }

  /** A refusal of the whole file, in words: the file's problem by name, or the refusal as a whole. */
  private refusalWords(err: unknown): unknown[] {
    if (err === 'no_source') return [t('admin.import.noSource')];
    const problem = problemsOf(err).find((p) => p.path === 'file');
    return problem ? (csvProblem(problem) ?? [problemText(problem)]) : [errorText(err)];
  }

  /** The file's bytes as they are now (a chosen file is read, not referred to: it may change on disk). */
  private async source(): Promise<Blob | null> {
    if (this.file) return new Blob([await this.file.arrayBuffer()], { type: 'text/csv' });
    return this.text.trim() ? new Blob([this.text], { type: 'text/csv' }) : null;
  }

  private async preview(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const file = await this.source();
    if (!file) {
      await this.refused('no_source');
      return;
    }
    this.previewed = file;
    await this.send(file, true);
  }

  private async run(): Promise<void> {
    if (this.previewed) await this.send(this.previewed, false);
  }

  private async send(file: Blob, dryRun: boolean): Promise<void> {
    this.busy = true;
    try {
      this.answer = await this.api.admin.importCsv(file, { dryRun });
      this.refusal = null;
      if (!dryRun) {
        this.previewed = null;
        const { imported, unchanged, errors } = this.answer;
        done(this, html`${t('admin.import.done', { imported, unchanged: unchanged.length, errors: errors.length })}`);
      }
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('#summary')?.focus();
    } catch (err) {
      this.answer = null;
      this.previewed = null;
      await this.refused(err);
    } finally {
      this.busy = false;
    }
  }

  /** Says why below the file fields, and goes to the one that was used. */
  private async refused(err: unknown): Promise<void> {
    this.refusal = err;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(this.text.trim() ? '#paste' : '#file')?.focus();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rc-admin-import': RcAdminImport;
  }
}
