// Errors are values with a message for people: what failed, where, what to do.
// The shell (cli.ts) prints them and turns exitCode into the process exit status.

export interface ErrorLocation {
  file?: string;
  line?: number;
  column?: number;
  field?: string;
}

export interface RecipeErrorOptions extends ErrorLocation {
  /** 1: a check found problems; 2: bad usage or input, or a system that could not be asked. */
  exitCode?: 1 | 2;
  /** What to do about it, for people. */
  hint?: string;
  cause?: unknown;
}

export class RecipeError extends Error {
  readonly exitCode: 1 | 2;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly field?: string;
  readonly hint?: string;

  constructor(message: string, options: RecipeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RecipeError';
    this.exitCode = options.exitCode ?? 2;
    this.file = options.file;
    this.line = options.line;
    this.column = options.column;
    this.field = options.field;
    this.hint = options.hint;
  }

  /** `file:line:column: field: message (hint)`, the form editors and CI logs link. */
  format(): string {
    const where = [this.file, this.line, this.column].filter((part) => part !== undefined).join(':');
    const field = this.field ? `${this.field}: ` : '';
    const hint = this.hint ? `\n  fix: ${this.hint}` : '';
    return `${where ? `${where}: ` : ''}${field}${this.message}${hint}`;
  }

  toJSON(): Record<string, unknown> {
    return {
      message: this.message,
      file: this.file,
      line: this.line,
      column: this.column,
      field: this.field,
      hint: this.hint,
      exitCode: this.exitCode,
    };
  }
}
