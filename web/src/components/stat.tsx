import type { ComponentChildren } from 'preact';

/**
 * One labelled figure of a statistics grid; `wide` gives it the grid's whole row, for a figure that reads
 * as one phrase ("97 of 107 (90.6 %)") and must not break over two lines.
 */
export function Stat({
  label,
  children,
  tone,
  wide,
}: {
  label: string;
  children: ComponentChildren;
  tone?: string;
  wide?: boolean;
}) {
  return (
    <div class={wide ? 'stat wide' : 'stat'}>
      <div class="label">{label}</div>
      <div class={`value ${tone ?? ''}`}>{children}</div>
    </div>
  );
}
