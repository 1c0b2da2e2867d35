// An API key value. It is carried through the core wrapped, so that no log line, status, Event or
// error message can print it by accident: String(), JSON and Node's inspector all show a placeholder.
// Only the AWS adapter (to send it) and the Secret writer (to store it) call reveal().

const INSPECT = Symbol.for('nodejs.util.inspect.custom');
const REDACTED = '[redacted]';

export class Sensitive {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  equals(other: Sensitive | undefined): boolean {
    return other !== undefined && other.#value === this.#value;
  }

  get length(): number {
    return this.#value.length;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [INSPECT](): string {
    return REDACTED;
  }
}
