import { useEffect, useRef, useState } from 'preact/hooks';

/** How long typing pauses before a box's text is applied. */
export const TYPING_PAUSE_MS = 150;

interface InputProps {
  type?: 'search' | 'text';
  class?: string;
  placeholder?: string;
  pattern?: string;
  title?: string;
  inputMode?: 'decimal' | 'text';
  'aria-label'?: string;
  'data-testid'?: string;
}

/**
 * A text box that applies its text as the user types (after a short pause) and at once on Enter or blur.
 * While it has the focus its own text wins, so "1." is not rewritten to "1" under the cursor; a change from
 * elsewhere (Reset, a link) shows when it does not.
 */
export function LiveInput(props: InputProps & { value: string; onCommit: (text: string) => void }) {
  const { value, onCommit, ...rest } = props;
  const [text, setText] = useState(value);
  const box = useRef<HTMLInputElement>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => {
    if (document.activeElement !== box.current) setText(value);
  }, [value]);
  useEffect(() => () => clearTimeout(timer.current), []);
  return (
    <input
      {...(rest as Record<string, unknown>)}
      ref={box}
      value={text}
      onInput={(e) => {
        const next = e.currentTarget.value;
        setText(next);
        clearTimeout(timer.current);
        timer.current = setTimeout(() => onCommit(next), TYPING_PAUSE_MS);
      }}
      onChange={(e) => {
        clearTimeout(timer.current);
        onCommit(e.currentTarget.value);
      }}
    />
  );
}
