/**
 * What the console's sections share: a list that reads as a table where
 * there is room and becomes one card per row where there is not (a phone,
 * 390 px), by the width of the section itself (a container query), so it
 * holds wherever the section is placed.
 */
import { css } from 'lit';

export const sectionStyles = css`
  :host {
    display: block;
    container-type: inline-size;
    margin: 0 0 2rem;
  }
  h2 {
    margin: 0.2rem 0 0.6rem;
    font-size: 1.25rem;
  }
  h2:focus {
    outline: none;
  }
  /*
   * What the section just did, under its heading: in the page's flow, so it
   * never covers a row (it stays until the next thing is done).
   */
  .said {
    margin: 0;
  }
  .said.shown {
    margin: 0 0 0.75rem;
    padding: 0.6rem 0.8rem;
    background: #dafbe1;
    border: 1px solid var(--rc-ok);
    border-radius: var(--rc-radius);
  }
  /* A long login or name breaks where it must, without making a table column narrow for everyone. */
  bdi,
  code {
    overflow-wrap: break-word;
  }
  .bar {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem 0.75rem;
    align-items: end;
  }
  .bar label {
    margin: 0 0 0.25rem;
  }
  .bar > div {
    min-width: 0;
  }
  select {
    width: auto;
    max-width: 100%;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: center;
  }
  /* Targets a thumb hits (44 px, WCAG 2.5.5), whatever the list's smaller type. */
  .actions button {
    min-height: 2.75rem;
    min-width: 2.75rem;
    padding: 0.4em 0.9em;
  }
  /*
   * Between what does at once (Approve) and what takes something away: at
   * least 1.5rem more, and all the room the line has, so a thumb meant for
   * one does not land on the other.
   */
  .actions .apart {
    flex: 1 0 1.5rem;
  }
  .mark {
    display: inline-block;
    margin-top: 0.2rem;
    padding: 0 0.4em;
    border: 1px solid var(--rc-warn);
    border-radius: 4px;
    color: var(--rc-warn);
    font-size: 0.85em;
  }
  .badge {
    display: inline-block;
    padding: 0 0.4em;
    border: 1px solid var(--rc-line);
    border-radius: 4px;
    font-size: 0.85em;
  }
  .warn {
    color: var(--rc-warn);
    font-weight: 600;
    margin: 0.3rem 0 0;
  }
  .conflict {
    margin-top: 0.5rem;
    padding: 0.5rem;
    border: 2px solid var(--rc-warn);
    border-radius: var(--rc-radius);
    display: grid;
    gap: 0.4rem;
  }
  .conflict p {
    margin: 0;
  }
  .conflict label {
    margin: 0;
  }
  button.link {
    border: none;
    background: none;
    padding: 0;
    min-height: 0;
    color: var(--rc-accent);
    text-decoration: underline;
    font: inherit;
    text-align: start;
  }

  /* The list: a table with room, cards without. */
  table.list {
    border-collapse: collapse;
    width: 100%;
    margin: 0.5rem 0 1rem;
    font-size: 0.92rem;
  }
  .list th,
  .list td {
    text-align: start;
    padding: 0.45rem 0.5rem;
    border-bottom: 1px solid var(--rc-line);
    vertical-align: top;
    overflow-wrap: break-word;
  }
  .list td.narrow {
    white-space: nowrap;
  }
  /* Who a row is about keeps room for a login; the other columns share the rest. */
  .list td:first-child:not(.narrow) {
    min-width: 13rem;
  }
  /* The actions keep room for two buttons side by side (Approve, then Reject at a distance). */
  .list td.wide {
    min-width: 16rem;
  }
  /* A name or login longer than its column (one 32-letter word) breaks anywhere rather than widen the page. */
  .list bdi {
    overflow-wrap: anywhere;
  }
  @container (max-width: 46rem) {
    table.list,
    .list tbody,
    .list tr,
    .list td {
      display: block;
    }
    /* The column names stay for screen readers; each cell says its own. */
    .list thead {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
    }
    .list tr {
      border: 1px solid var(--rc-line);
      border-radius: var(--rc-radius);
      padding: 0.5rem 0.75rem;
      margin: 0 0 0.75rem;
    }
    .list td {
      border: none;
      padding: 0.2rem 0;
    }
    .list td.narrow {
      white-space: normal;
    }
    .list td:first-child:not(.narrow),
    .list td.wide {
      min-width: 0;
    }
    .list td.wide {
      padding-top: 0.5rem;
    }
    /*
     * Each cell says what it is at its start; the actions take the whole
     * width. The label floats in the cell's start padding and the cell (a
     * formatting context of its own) grows to hold it: a label of two lines
     * ("Document (last 4)") pushes the next cell down instead of running into it.
     */
    .list td[data-label] {
      display: flow-root;
      padding-inline-start: 7.5rem;
    }
    .list td[data-label]::before {
      content: attr(data-label);
      float: inline-start;
      width: 7rem;
      margin-inline-start: -7.5rem;
      padding-top: 0.15rem;
      color: var(--rc-muted);
      font-size: 0.8em;
      font-weight: 600;
    }
  }
`;
