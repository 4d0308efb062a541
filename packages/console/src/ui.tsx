import {
  type FormEvent,
  type InputHTMLAttributes,
  type ReactNode,
  type Ref,
  useCallback,
  useEffect,
  useId,
  useRef,
  useState,
} from 'react';
import { ApiError } from './api';

/** The page title, focused on every page change so that screen readers announce the new page. */
export function PageTitle({ children }: { children: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
    document.title = `${heading.current?.textContent ?? ''} · Gatehouse`;
  }, []);
  return (
    <h1 ref={heading} tabIndex={-1}>
      {children}
    </h1>
  );
}

export interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string;
  name: string;
  hint?: string;
  error?: string | undefined;
  ref?: Ref<HTMLInputElement>;
}

/** A labelled input with its hint and error tied to it for assistive technology. */
export function Field({ label, name, hint, error, ...input }: FieldProps) {
  const id = `${useId()}-${name}`;
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={described || undefined}
        {...input}
      />
      {hint ? (
        <small id={`${id}-hint`} className="hint">
          {hint}
        </small>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export type Notice = { kind: 'ok' | 'error'; text: string } | undefined;

/** Success in a polite live region, errors in an alert. */
export function NoticeBox({ notice }: { notice: Notice }) {
  return (
    <div className={`notice ${notice?.kind ?? ''}`} role={notice?.kind === 'error' ? 'alert' : 'status'}>
      {notice?.text}
    </div>
  );
}

/** What to tell a person about a failed call: the server's message, with its advice. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.action ? `${error.message} ${error.action}` : error.message;
  return 'The server could not be reached. Check your connection and try again.';
}

/** Field errors of a failed call, by field name. */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  return Object.fromEntries(error.fields.map((field) => [field.name, field.message]));
}

/**
 * Runs an action with a busy flag and a notice; returns `{ value }` with what the action returned, or undefined
 * after a failure. Errors become the notice and the field errors.
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<Notice>();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const run = useCallback(async <T,>(action: () => Promise<T>, success?: string): Promise<{ value: T } | undefined> => {
    setBusy(true);
    setErrors({});
    setNotice(undefined);
    try {
      const result = await action();
      if (success) setNotice({ kind: 'ok', text: success });
      return { value: result };
    } catch (error) {
      setErrors(fieldErrors(error));
      setNotice({ kind: 'error', text: describeError(error) });
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, notice, setNotice, errors, run };
}

/** Form values by input name. */
export function formValues(event: FormEvent<HTMLFormElement>): Record<string, string> {
  event.preventDefault();
  const values: Record<string, string> = {};
  for (const [key, value] of new FormData(event.currentTarget)) {
    if (typeof value === 'string') values[key] = value.trim() === '' ? '' : value;
  }
  return values;
}

/**
 * A confirmation in a modal <dialog>: the browser traps focus in it and closes it with Escape, and focus returns
 * to the button that opened it.
 */
export function ConfirmButton({
  label,
  title,
  children,
  confirmLabel,
  onConfirm,
  danger,
  disabled,
}: {
  label: string;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void | Promise<void>;
  danger?: boolean;
  disabled?: boolean;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  return (
    <>
      <button
        type="button"
        className={danger ? 'danger' : 'secondary'}
        disabled={disabled}
        onClick={() => dialog.current?.showModal()}
      >
        {label}
      </button>
      <dialog ref={dialog} aria-labelledby={titleId}>
        <h2 id={titleId}>{title}</h2>
        {children}
        <div className="actions">
          <button
            type="button"
            className={danger ? 'danger' : undefined}
            onClick={() => {
              dialog.current?.close();
              void onConfirm();
            }}
          >
            {confirmLabel}
          </button>
          <button type="button" className="secondary" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
        </div>
      </dialog>
    </>
  );
}

/** Server-side paging: the server's page token moves forward, a stack of earlier tokens moves back. */
export function usePaging() {
  const [tokens, setTokens] = useState<string[]>([]);
  const current = tokens[tokens.length - 1];
  return {
    pageToken: current,
    next: (token: string) => setTokens((stack) => [...stack, token]),
    previous: () => setTokens((stack) => stack.slice(0, -1)),
    reset: () => setTokens([]),
    hasPrevious: tokens.length > 0,
  };
}

export function Pager({
  paging,
  nextToken,
  label,
}: {
  paging: ReturnType<typeof usePaging>;
  nextToken: string | undefined;
  label: string;
}) {
  if (!paging.hasPrevious && !nextToken) return null;
  return (
    <nav className="pager" aria-label={`${label} pages`}>
      <button type="button" className="secondary" disabled={!paging.hasPrevious} onClick={paging.previous}>
        Previous page
      </button>
      <button
        type="button"
        className="secondary"
        disabled={!nextToken}
        onClick={() => nextToken && paging.next(nextToken)}
      >
        Next page
      </button>
    </nav>
  );
}

/** A value that follows `value` once it has stopped changing for `delayMs` (search as you type). */
export function useDebounced<T>(value: T, delayMs = 250): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return settled;
}

/**
 * Loads data from the API whenever `key` changes; `reload` fetches again. A late answer to an outdated request is
 * dropped, so fast typing in a search box never shows an older result last.
 */
export function useLoad<T>(load: () => Promise<T>, key: string) {
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({ loading: true });
  const [generation, setGeneration] = useState(0);
  const loader = useRef(load);
  loader.current = load;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` and `generation` are what decide a new load.
  useEffect(() => {
    let current = true;
    setState((previous) => ({ ...previous, loading: true }));
    loader.current().then(
      (data) => current && setState({ data, loading: false }),
      (error: unknown) => current && setState({ error: describeError(error), loading: false }),
    );
    return () => {
      current = false;
    };
  }, [key, generation]);
  return { ...state, reload: () => setGeneration((value) => value + 1) };
}

export function formatTime(epochMillis: number | undefined): string {
  return epochMillis ? new Date(epochMillis).toLocaleString() : '—';
}
