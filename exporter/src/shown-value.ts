// How an error message quotes a value it got: its JSON text, cut after 100 characters, since a
// request or a file may hold a megabyte in one value (and a value nested 100,000 deep has no text).
export function shownValue(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    return 'a value nested too deeply to show';
  }
  return text.length > 100 ? `${text.slice(0, 100)}... (${text.length} characters)` : text;
}
