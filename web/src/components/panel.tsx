import type { ComponentChildren } from 'preact';

/** A titled box of the dashboard grid; `asOf` says which market date its numbers are from. */
export function Panel(props: {
  title: string;
  asOf?: string | null;
  actions?: ComponentChildren;
  class?: string;
  children: ComponentChildren;
}) {
  return (
    <section class={`panel ${props.class ?? ''}`}>
      <header class="panel-head">
        <h2>{props.title}</h2>
        {props.asOf ? <span class="as-of">as of {props.asOf}</span> : null}
        {props.actions ? <div class="panel-actions">{props.actions}</div> : null}
      </header>
      <div class="panel-body">{props.children}</div>
    </section>
  );
}
