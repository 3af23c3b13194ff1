// Command-line options of the developer harnesses (bench/*-ab.ts, *-dev.ts): `--name value` pairs
// taken out of the argument list, so that what is left are the positional arguments.

/** The value after `--name` in args (removing both), or `dflt` when absent. */
export function takeOption(args: string[], name: string, dflt: string): string {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? dflt : args.splice(i, 2)[1]!;
}
