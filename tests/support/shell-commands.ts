// Splits a shell snippet, as a README shows it, into its commands: a command ends at a newline outside
// quotes, unless the line ends with a backslash or the next line continues the pipeline with `|`.
// Comments (`#` outside quotes, at a word's start) are dropped. Enough shell for documentation
// snippets; not a shell parser.

/** The first ```sh block after the heading `heading` of `markdown`. */
export function shellBlockAfter(markdown: string, heading: string): string {
  const at = markdown.indexOf(`\n${heading}\n`);
  if (at < 0) throw new Error(`no heading "${heading}"`);
  const open = markdown.indexOf('\n```sh\n', at);
  const close = open < 0 ? -1 : markdown.indexOf('\n```\n', open + 1);
  if (open < 0 || close < 0) throw new Error(`no \`\`\`sh block after "${heading}"`);
  return markdown.slice(open + '\n```sh\n'.length, close + 1);
}

export function splitCommands(script: string): string[] {
  const commands: string[] = [];
  let current = '';
  let quote: "'" | '"' | undefined;
  const finish = (): void => {
    const command = current.trim();
    if (command) commands.push(command);
    current = '';
  };
  for (let i = 0; i < script.length; i++) {
    const c = script[i] as string;
    if (quote === "'") {
      current += c;
      if (c === "'") quote = undefined;
    } else if (quote === '"') {
      current += c;
      if (c === '\\') current += script[++i] ?? '';
      else if (c === '"') quote = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
      current += c;
    } else if (c === '\\' && script[i + 1] === '\n') {
      current += ' ';
      i++;
    } else if (c === '#' && (current === '' || /\s$/.test(current))) {
      while (i + 1 < script.length && script[i + 1] !== '\n') i++;
    } else if (c === '\n') {
      const next = script.slice(i + 1).trimStart();
      if (next.startsWith('|') || current.trimEnd().endsWith('|')) current += ' ';
      else finish();
    } else {
      current += c;
    }
  }
  if (quote) throw new Error(`unterminated ${quote} quote in: ${current}`);
  finish();
  return commands;
}
