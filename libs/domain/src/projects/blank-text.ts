/**
 * Whether `text` says nothing: empty or only whitespace (`String.prototype.trim`'s, so also no-break
 * spaces and line breaks). The one meaning of "blank" for every text a command requires: a reason to
 * suspend or waive, a component's name, a milestone's title, and the API's required texts.
 */
export function isBlank(text: string): boolean {
  return text.trim() === '';
}
