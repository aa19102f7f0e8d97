/** Bad user input: the message is one line naming the field and what is accepted. */
export class SpecError extends Error {
  override name = 'SpecError';
}
