import type { ComponentChildren } from 'preact';

/** One labelled figure of a statistics grid. */
export function Stat({ label, children, tone }: { label: string; children: ComponentChildren; tone?: string }) {
  return (
    <div class="stat">
      <div class="label">{label}</div>
      <div class={`value ${tone ?? ''}`}>{children}</div>
    </div>
  );
}
